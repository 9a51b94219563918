"""The validation layers, one module each: syntax, envelope and schema (structure), codes.

Business rules and cross-record checks are later layers; their rules are reported as not checked.
"""
