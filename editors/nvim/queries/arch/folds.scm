; Blocks fold, and so do multi-line text blocks and parenthesised groups.
[
  (block)
  (text_block)
  (group)
] @fold
