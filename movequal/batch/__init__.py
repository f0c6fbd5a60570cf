"""Batch scoring of recorded sessions: many videos, in parallel, resumable, locally or on a Ray cluster."""
