-- After it: the transaction's other statements hash as they like again.
SET LOCAL enable_hashagg TO DEFAULT
