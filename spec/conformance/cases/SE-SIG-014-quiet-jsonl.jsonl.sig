{
  "format": "sedata-signature",
  "version": 1,
  "algorithm": "ed25519",
  "keyId": "30b758cb6ac8bdaa07fc541cf6573f7b7deed676fd65994ebeac43b464435d7a",
  "signedAt": "2026-03-11T02:30:00+08:00",
  "header": {
    "specVersion": "1.1.0",
    "messageType": "inspection-upload",
    "messageId": "00000000-0000-4000-8000-000000000000",
    "sender": "123506004885497331",
    "receiver": "91433101772274167P",
    "createdAt": "2026-03-11T02:00:00+08:00",
    "sequence": 1,
    "mode": "changes",
    "recordCount": 6,
    "digestAlgorithm": "sha256",
    "digest": "4971b1f3c3e96b2b1a394c456f07e15df8ebb5760563c3b43e7b05f007acfc96"
  },
  "payload": {
    "recordCount": 6,
    "digestAlgorithm": "sha256",
    "digest": "4971b1f3c3e96b2b1a394c456f07e15df8ebb5760563c3b43e7b05f007acfc96"
  },
  "file": {
    "format": "jsonl",
    "size": 4408,
    "digestAlgorithm": "sha256",
    "digest": "77ccecbd7235396ce2666ac626ca139a94a08e6015d6fbc62664324659225549"
  },
  "signature": "fVEpD6g9extLtqYxZ4jXOj4cyOaTnHt2fXKPtRBLp9vYEO57o9gPRNfG7mixG+eIYkewdw4FhOrDe+0s9HFhAw=="
}
