" .arch files are archc models.
autocmd BufRead,BufNewFile *.arch setfiletype arch
