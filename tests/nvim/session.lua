-- A headless Neovim session with editors/nvim: open an example, misspell a reference, wait for
-- the diagnostic, fix it, go to a definition, rename an element and write every buffer. Results
-- go to $ARCHC_NVIM_OUT as `key=value` lines for tests/nvim.rs to check.

local out = {}
local function record(key, value)
  table.insert(out, key .. '=' .. tostring(value))
end
local function finish()
  vim.fn.writefile(out, os.getenv('ARCHC_NVIM_OUT'))
  vim.cmd('qa!')
end
local function step(name, ok)
  record(name, ok and 'ok' or 'timeout')
  if not ok then
    finish()
  end
end

vim.opt.rtp:prepend(os.getenv('ARCHC_NVIM_PLUGIN'))
vim.cmd('filetype plugin on')
require('archc').setup({ cmd = { os.getenv('ARCHC_BIN'), 'lsp' } })

local root = os.getenv('ARCHC_NVIM_WORKSPACE')
vim.cmd('edit ' .. root .. '/backoffice.arch')
record('filetype', vim.bo.filetype)
record('neovim', vim.version().major .. '.' .. vim.version().minor)
step('attached', vim.wait(10000, function() return #vim.lsp.buf_get_clients(0) > 0 end, 50))

-- Line 9 is `  owner backoffice_team`.
vim.api.nvim_buf_set_lines(0, 8, 9, false, { '  owner backofice_team' })
local function dangling()
  for _, d in ipairs(vim.diagnostic.get(0)) do
    if d.code == 'HYG001' then
      return d
    end
  end
end
step('diagnostic', vim.wait(10000, function() return dangling() ~= nil end, 50))
local d = dangling()
record('diagnostic_line', d.lnum)
record('diagnostic_col', d.col)
record('diagnostic_suggests', d.message:find('did you mean `backoffice_team`', 1, true) ~= nil)

vim.api.nvim_buf_set_lines(0, 8, 9, false, { '  owner backoffice_team' })
step('cleared', vim.wait(10000, function() return #vim.diagnostic.get(0) == 0 end, 50))

vim.api.nvim_win_set_cursor(0, { 9, 10 })
vim.lsp.buf.definition()
step('definition', vim.wait(10000, function() return vim.fn.expand('%:t') == 'teams.arch' end, 50))
local cursor = vim.api.nvim_win_get_cursor(0)
record('definition_file', vim.fn.expand('%:t'))
record('definition_line', cursor[1])
record('definition_col', cursor[2])

vim.lsp.buf.rename('shop_platform_team')
step('rename', vim.wait(10000, function()
  return vim.api.nvim_get_current_line():find('shop_platform_team', 1, true) ~= nil
end, 50))
vim.cmd('silent! wall')
finish()
