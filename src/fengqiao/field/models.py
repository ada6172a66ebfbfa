"""The field pages keep nothing of their own on the server: the receipts of photos sent from a
phone's outbox are `core.IdempotencyReceipt` rows (scope "field.photo", migration 0002)."""
