{
  "format": "sedata-signature",
  "version": 1,
  "algorithm": "ed25519",
  "keyId": "4b7a988a564d60d3ecb57c789525d48f86f713a4fd789c1510cbc070a3dd9223",
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
  "signature": "HkDyWKt2YAlpjsKCUfgwoX1mXiR7cZ7cLK31F3NFfd+BPV3cLa2YDHm1gz0252DZIG7o5gpMtxxCwXi52W5RAQ=="
}
