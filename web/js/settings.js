// Awaaz web client: a signed-in person's settings — their name, the app's language (this browser),
// the language of SMS, e-mail and notices (their account), and the channels they are told by.
"use strict";

const langName = (code) => t("langNames")[code] || code;
// A name in Urdu script is marked so (its font), whatever the page's language.
const scriptLang = (text) => (/[\u0600-\u06ff]/.test(text || "") ? ' lang="ur"' : "");
const choice = (name, value, checked, label, lang) => `<label class="check"><input type="radio" name="${name}" value="${value}"
  ${checked ? "checked" : ""}> <span${lang ? ` lang="${lang}"` : ""}>${esc(label)}</span></label>`;

async function settings(main) {
  if (!state.me) throw { status: 401, message: t("signInFirst"), details: [] };
  const prefs = await api("GET", "/v1/me/preferences");
  const contact = { sms: prefs.phone, email: prefs.email };
  const channel = (c) => `<label class="check"><input type="checkbox" name="notify_by" value="${c}"
      ${prefs.notify_by.includes(c) ? "checked" : ""} ${contact[c] ? "" : "disabled"}>
      <span>${esc(t("by")[c])}${contact[c] ? `: <bdi dir="ltr">${esc(contact[c])}</bdi>` : ` (${esc(t("noContact")[c])})`}</span></label>`;
  main.innerHTML = `<h1>${esc(t("settings"))}</h1>
    <form id="settings" class="stack" novalidate>
      <label>${esc(t("displayName"))}<input name="name" autocomplete="name" dir="auto"${scriptLang(prefs.name || state.me.name)} required minlength="2" maxlength="100"
        value="${esc(prefs.name || state.me.name)}" aria-describedby="name-error"></label>
      <small class="field-error" id="name-error" hidden></small>
      <fieldset><legend>${esc(t("appLanguage"))}</legend>
        ${choice("app_language", "en", state.lang === "en", "English", "en")}${choice("app_language", "ur", state.lang === "ur", "اردو", "ur")}
        <small>${esc(t("appLanguageHint"))}</small></fieldset>
      <fieldset><legend>${esc(t("messageLanguage"))}</legend>
        ${choice("language", "en", prefs.language === "en", "English", "en")}${choice("language", "ur", prefs.language === "ur", "اردو", "ur")}
        <small>${esc(t("messageLanguageHint"))}</small></fieldset>
      <fieldset aria-describedby="notify-error"><legend>${esc(t("channels"))}</legend>
        ${channel("sms")}${channel("email")}
        <small>${esc(t("inAppAlways"))}</small>
        <small class="field-error" id="notify-error" hidden></small></fieldset>
      <button>${esc(t("save"))}</button>
    </form>`;
  const form = main.querySelector("#settings");
  form.elements.name.oninput = (ev) => {
    if (scriptLang(ev.target.value)) ev.target.lang = "ur";
    else ev.target.removeAttribute("lang");
  };
  const fieldError = (id, text) => {
    const slot = form.querySelector(`#${id}`);
    slot.textContent = text || "";
    slot.hidden = !text;
    const input = id === "name-error" ? form.elements.name : null;
    if (input) input.setAttribute("aria-invalid", text ? "true" : "false");
  };
  form.onsubmit = (ev) => {
    ev.preventDefault();
    fieldError("name-error", "");
    fieldError("notify-error", "");
    const name = form.elements.name.value.trim();
    if (name.length < 2) {
      fieldError("name-error", t("nameProblem"));
      return form.elements.name.focus();
    }
    const body = {};
    if (name !== (prefs.name || state.me.name)) body.name = name;
    const language = form.elements.language.value;
    if (language !== prefs.language) body.language = language;
    const chosen = [...form.querySelectorAll("input[name=notify_by]:checked")].map((i) => i.value).sort();
    if (chosen.join() !== [...prefs.notify_by].sort().join()) body.notify_by = chosen;
    const appLanguage = form.elements.app_language.value;
    sending(form, async () => {
      if (Object.keys(body).length) await api("PATCH", "/v1/me", body);
      if (body.name || body.language) {
        // The next tokens carry the new name and language; the page shows them at once either way.
        await refreshSession().catch(() => {});
        rememberMe({ ...state.me, name: body.name || state.me.name, language: body.language || state.me.language });
      }
      state.lang = appLanguage;
      localStorage.setItem("awaaz.lang", appLanguage);
      state.flash = [esc(t("settingsSaved")), "ok"];
      render();
    }, (e) => {
      const fields = { name: "name-error", notify_by: "notify-error" };
      const known = (e.details || []).filter((d) => fields[d.field]);
      if (e.status === 400 && known.length) {
        for (const d of known) fieldError(fields[d.field], d.field === "name" ? t("nameProblem") : t("channelProblem"));
        say(esc(t("fixFields")), "error");
        (known[0].field === "name" ? form.elements.name : form.querySelector("input[name=notify_by]")).focus();
      } else {
        say(accountProblem(e, { name: t("displayName") }), "error");
      }
    });
  };
}

// The اردو / English switch changes this page's language only. A signed-in person whose messages
// come in the other language is told so, and offered to have them follow in one tap.
async function offerMessageLanguage() {
  if (!state.me || location.hash.startsWith("#/settings")) return;
  let prefs;
  try {
    prefs = await api("GET", "/v1/me/preferences");
  } catch (e) {
    return;
  }
  const lang = state.lang;
  if (!state.me || prefs.language === lang) return;
  say(`${esc(t("messagesStillIn").replace("{lang}", langName(prefs.language)))}
    <button type="button" class="plain" id="also-messages">${esc(t("alsoMessages").replace("{lang}", langName(lang)))}</button>`);
  document.getElementById("also-messages").onclick = async (ev) => {
    ev.target.disabled = true;
    try {
      await api("PATCH", "/v1/me", { language: lang });
      await refreshSession().catch(() => {});
      rememberMe({ ...state.me, language: lang });
      say(esc(t("messagesNowIn").replace("{lang}", langName(lang))), "ok");
    } catch (e) {
      ev.target.disabled = false;
      say(problem(e), "error");
    }
  };
}
