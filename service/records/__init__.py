"""Encrypted request records: the write path every data-plane route calls, audited reads, retention
and erasure. Other domains use it only through `service.records.service`."""
