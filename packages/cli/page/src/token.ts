const storageKey = "goal-lease-token";

/**
 * The access token: taken from the URL goal-lease serve printed, then removed from the address bar (and
 * so from history and screenshots) and kept in this tab's session storage, so a reload still works.
 */
export function takeToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get("token");
  if (fromUrl) {
    sessionStorage.setItem(storageKey, fromUrl);
    url.searchParams.delete("token");
    history.replaceState(null, "", url.pathname + url.search + url.hash);
  }
  return fromUrl ?? sessionStorage.getItem(storageKey);
}
