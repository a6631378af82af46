// The toolbar popup: translate the current page (clicking the toolbar grants access to the tab).

document.getElementById("page").addEventListener("click", async () => {
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  const ok = await chrome.runtime.sendMessage({ type: "run-command", command: "toggle-page", tabId: tab && tab.id });
  if (ok) window.close();
  else document.getElementById("status").textContent = "xxai cannot run on this page (or it is switched off in the options).";
});

document.getElementById("options").addEventListener("click", () => chrome.runtime.openOptionsPage());
