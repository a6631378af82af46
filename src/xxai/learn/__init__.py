"""Learning aids: pinyin, word glosses (CC-CEDICT, HSK, slang), script conversion, replies.

Nothing is loaded at import: the dictionary, jieba and pypinyin load on first use.
"""
