/**
 * Tree-sitter grammar for the .arch language (see grammar/arch.ebnf in the archc repository).
 *
 * Like archc's own parser, it reads the statement grammar only: a file is lines of words with
 * optional `{ ... }` blocks. What a statement means (declaration, attribute, step, endpoint,
 * field) depends on its first word and its block, so the queries give it meaning, not the tree.
 */

// Tokens after which a line break does not end the statement (arch.ebnf 1.9).
const continued = ($, token) => prec.right(seq(token, repeat($._newline)));

// Statements separated by line breaks or `;`; blank lines and stray separators are allowed.
const statements = $ => seq(
  repeat($._separator),
  optional(seq(
    $.statement,
    repeat(seq(repeat1($._separator), $.statement)),
    repeat($._separator),
  )),
);

module.exports = grammar({
  name: 'arch',

  // Line breaks are tokens (they end statements); other blanks and comments are not.
  extras: $ => [/[ \t\r\uFEFF]/, $.comment],

  word: $ => $.identifier,

  rules: {
    source_file: $ => statements($),

    statement: $ => choice(
      seq(field('head', $._word), repeat($._word), optional(field('body', $.block))),
      field('body', $.block),
    ),

    block: $ => seq('{', statements($), '}'),

    _separator: $ => choice($._newline, ';'),

    _word: $ => choice(
      $.identifier,
      $.string,
      $.text_block,
      $.number,
      $.date,
      $.path,
      $.hole,
      $.group,
      $.list,
      $.arrow,
      $.comma,
      $.at,
      ':',
      '=',
      '<',
      '<=',
      '>',
      '>=',
    ),

    // Inside parentheses and brackets line breaks are blanks.
    group: $ => seq('(', repeat(choice($._word, $._newline)), ')'),
    list: $ => seq('[', repeat(choice($._word, $._newline)), ']'),

    arrow: $ => continued($, choice('->', '~>')),
    comma: $ => continued($, ','),
    at: $ => continued($, '@'),

    identifier: _ => /[A-Za-z_][A-Za-z0-9_]*([-.][A-Za-z0-9_]+)*/,

    string: _ => token(seq('"', repeat(choice(/[^"\\\n]/, /\\["\\ntr0]/)), '"')),

    text_block: _ => token(seq('"""', repeat(choice(/[^"]/, /"[^"]/, /""[^"]/)), '"""')),

    // Dates take precedence over numbers of the same length (`2027-01-31`).
    date: _ => token(prec(1, /[0-9]{4}-[0-9]{2}-[0-9]{2}/)),

    // A decimal number with an optional unit: `3`, `1.5s`, `99.9%`, `200/s`, `6K/s`, `512MB`.
    number: _ => /[0-9][0-9_]*(\.[0-9][0-9_]*)?(%|\/[A-Za-z]+|[A-Za-z0-9_]+(\/[A-Za-z]+)?)?/,

    path: _ => /\/[A-Za-z0-9_{}.:~*%!$&+=\/@'-]*/,

    hole: _ => '?',

    comment: _ => token(prec(2, seq('//', /[^\n]*/))),

    _newline: _ => /\n/,
  },
});
