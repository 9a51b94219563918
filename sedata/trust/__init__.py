"""Trust: signed exchange packages and signed operator-certificate QR codes.

* :mod:`sedata.trust.package` — detached signatures ``FILE.sig`` over a package's canonical header, records
  digest and exact bytes; verification check by check (``sedata sign`` / ``sedata verify``).
* :mod:`sedata.trust.policy` — what a package's signature shows wrong under a signature policy (plain results
  the validator's trust layer reports as SE-SIG findings), and the trust store: keys, roots and the receiver's
  signer map (who may sign for whom, ``docs/trust-model.md``).
* :mod:`sedata.trust.qr` — the compact signed QR payload of an operator certificate (``sedata cert``).
* :mod:`sedata.trust.keys` — SM2, ECDSA P-256 and Ed25519 keys and certificates in PEM; :mod:`sedata.trust.sm`
  the SM2/SM3 adapter (gmalg; SM3 from hashlib, cryptography or gmalg); :mod:`sedata.trust.der` the little DER
  that SM2 key files need; :mod:`sedata.trust.files` bounded reads of trust material and private key writes;
  :mod:`sedata.trust.text` such text made safe to show.

Nothing is imported here, so importing one part does not load the others (the validator loads only policy).
The format is written down in ``docs/signatures.md``.
"""
