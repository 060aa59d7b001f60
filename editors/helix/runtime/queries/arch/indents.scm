; Helix indents: a block's statements are indented, its closing brace is not.
[
  (block)
  (group)
  (list)
] @indent

[
  "}"
  ")"
  "]"
] @outdent
