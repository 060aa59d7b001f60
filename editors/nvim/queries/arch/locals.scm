; Scopes, definitions and references. Declaration names are workspace-wide; options, nodes,
; nested zones and nested components are defined in the block of their decision, deployment, zone,
; system or container.

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
  (#any-of? @_parent "decision" "deployment" "zone" "system" "component")
  (#any-of? @_keyword "option" "node" "zone" "component"))

(identifier) @local.reference
