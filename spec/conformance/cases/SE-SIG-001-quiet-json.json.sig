{
  "format": "sedata-signature",
  "version": 1,
  "algorithm": "ed25519",
  "keyId": "30b758cb6ac8bdaa07fc541cf6573f7b7deed676fd65994ebeac43b464435d7a",
  "signedAt": "2026-03-11T02:30:00+08:00",
  "header": {
    "specVersion": "1.0.0",
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
    "format": "json",
    "size": 4478,
    "digestAlgorithm": "sha256",
    "digest": "4baf7765ffd961740be564a4386e5947696a031de33ea261e22fbee95b08a81c"
  },
  "signature": "lmq10PskjYkRcAFQb+Qkn0AfEgf7gdNJy+E54SBxTPJUjHatcfaK/B86Hva5gB4E7Xj7dazOzQGMmxt06H8iAw=="
}
