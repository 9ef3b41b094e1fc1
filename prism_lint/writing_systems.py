"""Scripts written without spaces between words.

The analysis reads such text character by character (its words are not
space-separated), and the extractors accept a named text in such a script as
words. Both read the same blocks, written once here as the ranges of a
regular-expression character class: Hiragana and Katakana, CJK ideographs
(with extension A and the compatibility block), Hangul syllables and
half-width Katakana.
"""

UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\uff66-\uff9f"
