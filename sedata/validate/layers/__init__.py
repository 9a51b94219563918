"""The validation layers, one module each, listed once in :mod:`sedata.validate.layers.registry`.

Syntax (reading), structure (``envelope`` and ``schema``), ``codes``, ``business``, ``crossfile`` (the
cross-record layer), ``trust``, ``sequence`` and ``consistency``; :mod:`sedata.validate.layers.base` says what a
layer is and how to add one.
"""
