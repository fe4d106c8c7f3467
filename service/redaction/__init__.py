"""PII redaction engine; the public facade is service.redaction.engine."""
