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
    "format": "xml",
    "size": 5835,
    "digestAlgorithm": "sha256",
    "digest": "f903fefaed24b36cc22b43fad801d9d9030cdc38f6ccc82e01dd078a9f23b736"
  },
  "signature": "L9hMfhRCLomsJ7NwebR5Et2rJoylCuOP315SluvI0h4kRVhWFddhRuVW9JxDGwdGElmc/VFwQGz0RkS7AgBiAQ=="
}
