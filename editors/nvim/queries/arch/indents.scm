; A block indents its statements; its closing brace returns to the statement's level.
(block) @indent.begin

(block "}" @indent.branch)

(group) @indent.begin

(group ")" @indent.branch)
