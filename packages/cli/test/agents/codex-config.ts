// The config.toml of a Codex home for the end-to-end checks: the scripted model server as its provider.

/** A Codex config.toml whose model is the mock at `baseUrl`, followed by `tables` (TOML). */
export function codexConfig(baseUrl: string, tables: string): string {
  return `model = "mock-model"
model_provider = "mock"
check_for_update_on_startup = false

[model_providers.mock]
name = "mock"
base_url = ${JSON.stringify(baseUrl)}
wire_api = "responses"
env_key = "MOCK_API_KEY"
request_max_retries = 0
stream_max_retries = 0

${tables}`;
}

/** codex exec never asks, so the plugin's tools are approved here, as the plugin's README says. */
export const pluginToolsApproved = `[plugins."goal-lease@goal-lease".mcp_servers.goal]
default_tools_approval_mode = "approve"
`;
