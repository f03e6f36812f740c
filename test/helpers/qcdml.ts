/** A minimal QCDml 2.0 gauge configuration (valid against schema/ildg) of a Markov chain, named by its logical file name. */
export const qcdmlConfiguration = (uri: string, lfn: string) => `<?xml version="1.0" encoding="UTF-8"?>
<gaugeConfiguration xmlns="http://www.lqcd.org/ildg/QCDml/config2.0"><dataLFN>${lfn}</dataLFN>
<management><revisions>0</revisions><archiveHistory><archiveEvent><revision>0</revision><revisionAction>generate</revisionAction><participant><name>x</name><institution>x</institution></participant><date>2026-01-01T00:00:00Z</date></archiveEvent></archiveHistory></management>
<implementation><machine><name>x</name><institution>x</institution><machineType>x</machineType></machine><code><name>x</name><version>1</version><date>2026-01-01T00:00:00Z</date></code></implementation>
<algorithm/><precision>double</precision>
<markovSequence><markovChainURI>${uri}</markovChainURI><series>0</series><markovStep><update>1</update><record><field>su3gauge</field><crcCheckSum>0</crcCheckSum><avePlaquette>0.5</avePlaquette></record></markovStep></markovSequence></gaugeConfiguration>`;
