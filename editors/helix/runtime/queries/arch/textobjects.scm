; Helix text objects: a declaration with a body is a "class" (`]c`, `mac`, `mic`), a comment a
; "comment".
(statement
  body: (block
    (statement)+ @class.inside)) @class.around

(comment) @comment.inside

(comment)+ @comment.around
