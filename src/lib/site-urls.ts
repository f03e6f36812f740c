/** Every URL femto mints for what it serves (IRIs, landing pages, links, Location headers) comes from here. */
export function siteUrls(baseUrl: string) {
  const enc = encodeURIComponent;
  const dataset = (id: string) => `${baseUrl}/datasets/${enc(id)}`;
  return {
    base: baseUrl,
    dataset,
    /** A version's landing page; a draft's (null number) is the dataset's draft. */
    version: (id: string, n: number | null) => (n == null ? `${dataset(id)}/draft` : `${dataset(id)}/versions/${n}`),
    versions: (id: string) => `${dataset(id)}/versions`,
    measurement: (id: string, measurementId: string) => `${dataset(id)}/measurements/${measurementId}`,
    linkset: (id: string) => `${dataset(id)}/linkset`,
    fair: (id: string) => `${dataset(id)}/fair`,
    activity: (id: string) => `${baseUrl}/activities/${enc(id)}`,
    modelCard: (id: string) => `${baseUrl}/models/${enc(id)}/card`,
    manifest: (id: string, n?: number | null) => `${baseUrl}/models/${enc(id)}/manifest${n != null ? `?version=${n}` : ''}`,
    evaluation: (id: string, evaluationId: string) => `${baseUrl}/models/${enc(id)}/evaluations/${enc(evaluationId)}`,
    leaderboard: (id: string, metric: string) => `${dataset(id)}/leaderboard?metric=${enc(metric)}`,
    modelPage: (id: string) => `${baseUrl}/portal/models/${enc(id)}`,
    agent: (id: string) => `${baseUrl}/agents/${enc(id)}`,
    /** DOIs keep their slash in the path, as in DataCite's API. */
    doi: (doi: string) => `${baseUrl}/dois/${doi}`,
    dois: `${baseUrl}/dois`,
    catalog: `${baseUrl}/catalog`,
    context: (name: string) => `${baseUrl}/contexts/${name}`,
    oai: `${baseUrl}/oai`,
    sitemap: `${baseUrl}/sitemap.xml`,
  };
}

export type SiteUrls = ReturnType<typeof siteUrls>;
