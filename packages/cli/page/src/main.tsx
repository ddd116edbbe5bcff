import { render } from "preact";
import { App } from "./app.js";
import { takeToken } from "./token.js";

const root = document.getElementById("app");
const token = takeToken();
if (root) {
  render(
    token ? (
      <App token={token} />
    ) : (
      <p class="empty">Open the URL goal-lease serve printed: it carries the access token (?token=…).</p>
    ),
    root,
  );
}
