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
    "format": "json",
    "size": 4420,
    "digestAlgorithm": "sha256",
    "digest": "7ecb504f4adc6c0b024d0ef17fa0b00842785fcae7b29e5a84a63c6c9ee48d07"
  },
  "signature": "4XIPrjfNLzPGz9A/9Grfq1aW3iM5LXEtYir1dGhzBZAHGTdmyhvw8Tn236z9nrRewfNkm1/oJIEaj0khSPcfDA=="
}
