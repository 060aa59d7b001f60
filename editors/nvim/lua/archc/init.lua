-- archc for Neovim: starts `archc lsp` for .arch buffers. Works on Neovim 0.7 (through
-- vim.lsp.start_client and buf_attach_client) and on 0.8 and later (through vim.lsp.start).

local M = {}

local defaults = {
  -- The command that runs the language server.
  cmd = { 'archc', 'lsp' },
  -- Extra settings passed to the client (on_attach, capabilities, ...).
  client = {},
}

local config = vim.deepcopy(defaults)

-- One client per workspace root on Neovim 0.7, which has no vim.lsp.start to reuse them.
local clients_by_root = {}

-- The folder holding arch.toml at or above the buffer's file, else the file's folder.
function M.root_dir(path)
  local dir = vim.fn.fnamemodify(path, ':p:h')
  while true do
    if vim.fn.filereadable(dir .. '/arch.toml') == 1 then
      return dir
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return vim.fn.fnamemodify(path, ':p:h')
    end
    dir = parent
  end
end

local function client_config(root)
  local c = vim.tbl_extend('force', {
    name = 'archc',
    cmd = config.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
  }, config.client)
  return c
end

-- Attaches the server to a buffer, starting it for the buffer's workspace if needed.
function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local path = vim.api.nvim_buf_get_name(bufnr)
  if path == '' then
    return
  end
  local root = M.root_dir(path)
  if vim.lsp.start then
    vim.lsp.start(client_config(root), { bufnr = bufnr })
    return
  end
  local id = clients_by_root[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client(client_config(root))
    clients_by_root[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
end

-- Registers the filetype and starts the server for every `arch` buffer.
function M.setup(opts)
  config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  vim.cmd([[
    augroup archc
      autocmd!
      autocmd BufRead,BufNewFile *.arch setfiletype arch
      autocmd FileType arch lua require('archc').attach(tonumber(vim.fn.expand('<abuf>')))
    augroup END
  ]])
end

return M
