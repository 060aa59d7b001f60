// The archc extension: starts `archc lsp` over stdio and hands .arch files to it. All language
// features (diagnostics, completion, navigation, formatting) live in the server.

import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

function serverOptions(): ServerOptions {
  const command = vscode.workspace.getConfiguration('archc').get<string>('path') || 'archc';
  return { command, args: ['lsp'], transport: TransportKind.stdio };
}

function clientOptions(): LanguageClientOptions {
  return {
    documentSelector: [{ scheme: 'file', language: 'arch' }],
    synchronize: {
      // Files that are not open still count: the server re-reads them and arch.toml on change.
      fileEvents: [
        vscode.workspace.createFileSystemWatcher('**/*.arch'),
        vscode.workspace.createFileSystemWatcher('**/arch.toml'),
      ],
    },
  };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  client = new LanguageClient('archc', 'archc', serverOptions(), clientOptions());
  try {
    await client.start();
  } catch (err) {
    const path = vscode.workspace.getConfiguration('archc').get<string>('path');
    void vscode.window.showErrorMessage(
      `archc: could not start \`${path} lsp\` (${String(err)}). Install archc or set "archc.path".`,
    );
  }
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  const old = client;
  client = undefined;
  if (old) {
    await old.stop().catch(() => undefined);
  }
  await start(context);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand('archc.restartServer', () => restart(context)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('archc.path')) {
        void restart(context);
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
