; Highlights for .arch files. The tree is generic (statements of words), so meaning comes from
; a statement's first word and where it stands, as in archc's language table (src/syntax/schema.rs).
; General patterns come first: for a node captured twice, the last pattern wins (tree-sitter
; highlight, Neovim, and Helix since 25.07).

(comment) @comment

[(string) (text_block)] @string

(number) @number

[(date) (path)] @string.special

(hole) @constant.builtin

((identifier) @constant.builtin
  (#any-of? @constant.builtin "yes" "no" "true" "false"))

; The first word of a statement in a block is an attribute, unless a pattern below says more.
(block (statement head: (identifier) @property))

; Top level: a declaration's keyword and name.
(source_file
  (statement
    head: (identifier) @keyword
    .
    (identifier) @type
    (#any-of? @keyword
      "system" "actor" "external" "zone" "team" "person" "component" "datastore" "queue" "topic"
      "cache" "interface" "data" "event" "flow" "decision" "quality" "milestone" "deployment"
      "observability" "risk" "phase" "metric" "profile" "control" "technology" "rule" "threat")))

; Imports of std modules, and the rule code of an acceptance.
(source_file
  (statement
    head: (identifier) @keyword
    (#any-of? @keyword "import" "accept")))

(source_file
  (statement
    head: (identifier) @keyword
    .
    (identifier) @namespace
    (#eq? @keyword "import")))

(source_file
  (statement
    head: (identifier) @keyword
    .
    (identifier) @constant
    (#eq? @keyword "accept")))

; Nested declarations: options of a decision, nodes of a deployment, components of a system or
; a container. (A zone nested in a zone reads like the `zone` attribute of other blocks, so it is
; shown as one.)
(block
  (statement
    head: (identifier) @keyword
    .
    (identifier) @type
    (#any-of? @keyword "option" "node" "component")))

; Flow steps: `source -> target`.
(block
  (statement
    head: (identifier) @variable
    .
    (arrow)
    .
    (identifier) @variable))

; Interface endpoints and operations.
(block
  (statement
    head: (identifier) @keyword
    .
    (identifier) @function
    (#eq? @keyword "op")))

(block
  (statement
    head: (identifier) @keyword
    (#any-of? @keyword "GET" "POST" "PUT" "PATCH" "DELETE" "HEAD" "OPTIONS")))

; Fields of data entities and events: `field name: type modifiers`.
(block
  (statement
    head: (identifier) @keyword
    .
    (identifier) @variable.member
    (#eq? @keyword "field")))

(arrow) @operator

["<" "<=" ">" ">="] @operator

[(comma) (at) ":" "="] @punctuation.delimiter

["{" "}" "(" ")" "[" "]"] @punctuation.bracket
