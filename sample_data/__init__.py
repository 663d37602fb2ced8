"""Synthetic, deterministic RASSO case records and the aggregate tables derived from them.

Always labelled synthetic: the numbers are calibrated to published national figures but describe
no real force, case or person.
"""
