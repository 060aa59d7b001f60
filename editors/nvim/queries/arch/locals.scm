; Scopes, definitions and references. Declaration names are workspace-wide; options, nodes and
; nested zones belong to the block of their decision, deployment or zone.

(source_file) @local.scope

(block) @local.scope

(source_file
  (statement
    head: (identifier) @_keyword
    .
    (identifier) @local.definition
    (#not-any-of? @_keyword "import" "accept")))

(statement
  head: (identifier) @_parent
  body: (block
    (statement
      head: (identifier) @_keyword
      .
      (identifier) @local.definition))
  (#any-of? @_parent "decision" "deployment" "zone")
  (#any-of? @_keyword "option" "node" "zone"))

(identifier) @local.reference
