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
    "sender": "91310115MA1K3BTP2B",
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
    "format": "jsonl",
    "size": 4466,
    "digestAlgorithm": "sha256",
    "digest": "72399d66f81d83c701ff289d628aa0dee6506226a509d1e02f12e38dbb45f23e"
  },
  "signature": "bd5nzQj02RRTPCQMp3tg+LjjzTlQcNZ0sWso4hnOZ8+tw52W+CQhllCrri6aAoH2XueEEFHXoNu+U5A3JRItBQ=="
}
