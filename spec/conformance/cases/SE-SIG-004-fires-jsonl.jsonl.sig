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
  "signature": "CNvyvU3uRU9rini9Lo7WxXJJsb/cMAKd9X664CXiLhfrj2fFYSOPnanKL6bQtTIMhmz70blSXCXkQwHv8993BA=="
}
