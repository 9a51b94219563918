{
  "format": "sedata-signature",
  "version": 1,
  "algorithm": "ed25519",
  "keyId": "2e409fc486bbcffd18508e49b13daf193b782f31a16466708b332fe53b97a166",
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
    "digest": "e7edf327c8a78245294b10f97f62c9e418a173c1d4776b77efa0a735b02f27bd"
  },
  "payload": {
    "recordCount": 6,
    "digestAlgorithm": "sha256",
    "digest": "e7edf327c8a78245294b10f97f62c9e418a173c1d4776b77efa0a735b02f27bd"
  },
  "file": {
    "format": "xml",
    "size": 5893,
    "digestAlgorithm": "sha256",
    "digest": "93290a5b3759f72369e4c0b0a96c9dede5ec8b7035f89bdcf1da13008f3a63d8"
  },
  "signature": "Qe5Fy7bj4KG0dnNvyqil15XOP/WNr2x2l4HFkNl4H+XXR3T8OncNSJuGs6v9u5kzn1tmUYzbDtMpzAZ6PMWmDg=="
}
