"""Exchange: how records travel (XML element mapping now; envelopes and codecs to come)."""
