// The Stay Safe chat page. The conversation lives in this tab's sessionStorage only: it survives a
// reload, and is gone when the tab is closed, when quick exit is pressed, or on "Start again".
// Every text from the bot or the child is put on the page as text nodes, never as HTML.
"use strict";

(() => {
  const STORAGE_KEY = "stay-safe-chat";
  const API_URL = "/api/messages";
  // Where quick exit goes: a neutral page a young person could plausibly be looking at.
  const NEUTRAL_URL = "https://www.bbc.co.uk/weather";
  // Asks the bot for its own welcome (it says it is a bot, and to call 999 in an emergency).
  const WELCOME_PAYLOAD = "/chitchat_greet";
  const MAX_CHARACTERS = 10000; // the server's limit too (widget/messages.py)
  const WARN_AT_CHARACTERS = 9000;
  const REQUEST_TIMEOUT_MS = 30000;
  const RETRY_DELAYS_MS = [2000, 4000, 8000, 15000, 30000];
  const SENDER_PATTERN = /^[0-9a-f]{32}$/;
  // Web addresses, and the UK phone numbers the bot gives (999, 0800 1111, 116 123, ...).
  const LINK_PATTERN =
    /(https?:\/\/[^\s<>"']+)|(\b(?:999|0800 ?\d{3} ?\d{4}|0800 ?\d{4}|116 ?\d{3}|0\d{3} ?\d{3} ?\d{4})\b)/g;

  const element = (id) => document.getElementById(id);
  const page = {
    chat: element("chat"),
    messages: element("messages"),
    typing: element("typing"),
    problem: element("problem"),
    problemText: element("problem-text"),
    retryNow: element("retry-now"),
    form: element("composer"),
    input: element("message"),
    lengthNote: element("length-note"),
    startAgain: element("start-again"),
    quickExit: element("quick-exit"),
  };

  let conversation = null;
  let inFlight = false;
  let retryTimer = null;
  let failures = 0;
  let leaving = false;

  // --- the conversation, kept in sessionStorage ---

  function newSender() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  function newConversation() {
    // entries: what the page shows; outbox: what still has to reach the bot, oldest first. Each
    // message keeps its id until it is answered: sent again, the bot knows it and stores it once.
    return {
      sender: newSender(),
      entries: [],
      outbox: [{ id: 0, payload: WELCOME_PAYLOAD, button: true, tries: 0 }],
      nextId: 1,
      draft: "",
    };
  }

  function load() {
    try {
      const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY));
      if (
        stored &&
        SENDER_PATTERN.test(stored.sender) &&
        Array.isArray(stored.entries) &&
        Array.isArray(stored.outbox) &&
        Number.isInteger(stored.nextId)
      ) {
        return stored;
      }
    } catch (ignored) {
      // Storage blocked or unreadable: start afresh, the chat still works for this page's life.
    }
    return newConversation();
  }

  function save() {
    if (leaving) return;
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(conversation));
    } catch (ignored) {
      // Storage full or blocked: the conversation goes on in memory.
    }
  }

  // --- showing messages ---

  function addTextWithLinks(container, text) {
    let last = 0;
    for (const match of text.matchAll(LINK_PATTERN)) {
      let found = match[0];
      let end = match.index + found.length;
      if (match[1]) {
        const trailing = found.match(/[.,;:!?)]+$/);
        if (trailing) {
          found = found.slice(0, -trailing[0].length);
          end -= trailing[0].length;
        }
      }
      let address = null;
      try {
        address = match[1] ? new URL(found).href : null;
      } catch (notAnAddress) {
        continue; // left as plain text
      }
      container.append(text.slice(last, match.index));
      const link = document.createElement("a");
      link.textContent = found;
      if (address) {
        link.href = address;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
      } else {
        link.href = "tel:" + found.replace(/\s/g, "");
      }
      container.append(link);
      last = end;
    }
    container.append(text.slice(last));
  }

  function deliveryNote(entry) {
    if (entry.status === "failed") return "Not sent yet. It will be sent when the bot is back.";
    if (entry.status === "refused") return entry.note || "This message could not be sent.";
    return "";
  }

  function renderEntry(entry) {
    const item = document.createElement("li");
    item.className = "message " + entry.from;
    item.dataset.id = String(entry.id);
    if (entry.from === "child" && entry.status && entry.status !== "sent") item.classList.add(entry.status);

    const who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = entry.from === "bot" ? "The bot said: " : "You said: ";

    if (entry.text || !entry.buttons) {
      const bubble = document.createElement("p");
      bubble.className = "bubble";
      bubble.append(who);
      if (entry.from === "bot") addTextWithLinks(bubble, entry.text || "");
      else bubble.append(entry.text);
      item.append(bubble);
    } else {
      item.append(who);
    }

    if (entry.buttons && entry.buttons.length) {
      const choices = document.createElement("div");
      choices.className = "choices";
      choices.setAttribute("role", "group");
      choices.setAttribute("aria-label", "Choices");
      for (const choice of entry.buttons) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = choice.title;
        button.addEventListener("click", () => {
          send(choice.payload, choice.title, true);
          page.input.focus();
        });
        choices.append(button);
      }
      item.append(choices);
    }

    if (entry.from === "child") {
      const delivery = document.createElement("p");
      delivery.className = "delivery";
      delivery.textContent = deliveryNote(entry);
      delivery.hidden = !delivery.textContent;
      item.append(delivery);
    }
    return item;
  }

  function show(entry) {
    page.messages.append(renderEntry(entry));
    scrollToEnd();
  }

  // Replies go straight after what they answer: before any message the child sent later (which
  // happens when messages waited while the bot was away).
  function showReplies(answeredId, replies) {
    const later = conversation.entries.findIndex((entry) => entry.from === "child" && entry.id > answeredId);
    const anchor = later === -1 ? null : page.messages.querySelector(`li[data-id="${conversation.entries[later].id}"]`);
    const entries = replies.map((reply) => ({
      id: conversation.nextId++,
      from: "bot",
      text: reply.text || "",
      buttons: reply.buttons,
    }));
    conversation.entries.splice(later === -1 ? conversation.entries.length : later, 0, ...entries);
    const shown = entries.map((entry) => page.messages.insertBefore(renderEntry(entry), anchor));
    if (shown.length) scrollToStartOf(shown[0]);
  }

  // A long answer is read from its start: scroll to its first message, or to the end if it all fits.
  function scrollToStartOf(item) {
    const offset = item.getBoundingClientRect().top - page.chat.getBoundingClientRect().top;
    page.chat.scrollTop = page.chat.scrollTop + offset - 12;
  }

  function redraw(entry) {
    const shown = page.messages.querySelector(`li[data-id="${entry.id}"]`);
    if (shown) shown.replaceWith(renderEntry(entry));
  }

  function renderAll() {
    page.messages.replaceChildren(...conversation.entries.map(renderEntry));
    scrollToEnd();
  }

  function scrollToEnd() {
    page.chat.scrollTop = page.chat.scrollHeight;
  }

  function setChildStatus(id, status, note) {
    const entry = conversation.entries.find((candidate) => candidate.id === id && candidate.from === "child");
    if (!entry || (entry.status === status && entry.note === note)) return;
    entry.status = status;
    entry.note = note;
    redraw(entry);
  }

  function showTyping(on) {
    page.typing.hidden = !on;
    if (on) scrollToEnd();
  }

  function showProblem(text) {
    if (!page.problem.hidden && page.problemText.textContent === text) return; // announced once, not every retry
    page.problemText.textContent = text;
    page.problem.hidden = false;
    scrollToEnd();
  }

  function hideProblem() {
    page.problem.hidden = true;
    page.problemText.textContent = "";
  }

  // --- talking to the page's own server, which carries each message to the bot ---

  async function post(sender, item) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      const response = await fetch(API_URL, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({
          sender,
          id: item.id,
          [item.button ? "button" : "message"]: item.payload,
          resend: item.tries > 1,
        }),
        credentials: "omit",
        cache: "no-store",
        signal: controller.signal,
      });
      const body = await response.json().catch(() => ({}));
      if (response.ok && Array.isArray(body.replies)) return { ok: true, replies: body.replies };
      const refused = response.status >= 400 && response.status < 500 && ![408, 429].includes(response.status);
      return { ok: false, retry: !refused, explanation: body.explanation };
    } catch (offline) {
      return { ok: false, retry: true };
    } finally {
      clearTimeout(timer);
    }
  }

  // A button's payload names what the child chose; typed text never does (the server makes sure).
  function send(payload, shownText, button) {
    const id = conversation.nextId++;
    if (shownText !== null) {
      const entry = { id, from: "child", text: shownText, status: "sending" };
      conversation.entries.push(entry);
      show(entry);
    }
    conversation.outbox.push({ id, payload, button, tries: 0 });
    save();
    pump();
  }

  async function pump() {
    if (inFlight || retryTimer || leaving || conversation.outbox.length === 0) return;
    const started = conversation;
    const item = started.outbox[0];
    inFlight = true;
    showTyping(true);
    item.tries = (item.tries || 0) + 1;
    save();
    const result = await post(started.sender, item);
    inFlight = false;
    showTyping(false);
    if (leaving) return;
    if (started !== conversation) {
      pump(); // "Start again" was pressed while this was on its way: its answer belongs to nobody now.
      return;
    }

    if (result.ok) {
      conversation.outbox.shift();
      failures = 0;
      hideProblem();
      setChildStatus(item.id, "sent");
      showReplies(item.id, result.replies);
    } else if (result.retry) {
      for (const waiting of conversation.outbox) setChildStatus(waiting.id, "failed");
      const delay = RETRY_DELAYS_MS[Math.min(failures, RETRY_DELAYS_MS.length - 1)];
      failures += 1;
      showProblem(
        "Sorry, the Stay Safe bot can't be reached just now. What you wrote is kept here, and it will be " +
          "sent as soon as the bot is back. We'll keep trying. If you are in danger right now, call 999.",
      );
      retryTimer = setTimeout(() => {
        retryTimer = null;
        pump();
      }, delay);
    } else {
      // Refused for good (this page checks first, so this should not happen). Keep the words:
      // they stay on screen, and go back in the box to change if the box is empty.
      conversation.outbox.shift();
      setChildStatus(item.id, "refused", "Not sent: " + (result.explanation || "the bot could not take this message."));
      const entry = conversation.entries.find((candidate) => candidate.id === item.id);
      if (entry && !page.input.value) setDraft(entry.text);
    }
    save();
    pump();
  }

  function retryNow() {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    pump();
  }

  // --- the box the child writes in ---

  function setDraft(text) {
    page.input.value = text;
    conversation.draft = text;
    fitInput();
    noteLength();
    save();
  }

  function fitInput() {
    page.input.style.height = "auto";
    page.input.style.height = page.input.scrollHeight + 4 + "px";
  }

  function noteLength() {
    const length = page.input.value.length;
    const over = length > MAX_CHARACTERS;
    page.lengthNote.hidden = length < WARN_AT_CHARACTERS;
    page.lengthNote.classList.toggle("over", over);
    page.lengthNote.textContent = over
      ? `This is too long to send in one go (${length.toLocaleString()} of ${MAX_CHARACTERS.toLocaleString()} characters). ` +
        "Please split it into shorter messages. Nothing you wrote has been removed."
      : `${(MAX_CHARACTERS - length).toLocaleString()} characters left in this message.`;
  }

  function submit(event) {
    event.preventDefault();
    const text = page.input.value;
    if (!text.trim()) {
      page.input.focus();
      return;
    }
    if (text.length > MAX_CHARACTERS) {
      noteLength();
      page.input.focus();
      return;
    }
    setDraft("");
    send(text, text, false);
    page.input.focus();
  }

  // --- start again and quick exit ---

  function startAgain() {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    failures = 0;
    conversation = newConversation();
    try {
      sessionStorage.removeItem(STORAGE_KEY);
    } catch (ignored) {}
    hideProblem();
    renderAll();
    setDraft("");
    page.input.focus();
    pump();
  }

  function quickExit(event) {
    if (event) event.preventDefault();
    leaving = true;
    try {
      sessionStorage.clear();
    } catch (ignored) {}
    // Empty the page at once, so nothing of it shows while the next page loads.
    document.title = "";
    page.messages.replaceChildren();
    page.input.value = "";
    // replace(), not assign(): this page does not stay in the tab's back history.
    window.location.replace(NEUTRAL_URL);
  }

  // --- start ---

  conversation = load();
  renderAll();
  page.input.value = conversation.draft || "";
  fitInput();
  noteLength();

  page.form.addEventListener("submit", submit);
  page.input.addEventListener("input", () => {
    conversation.draft = page.input.value;
    fitInput();
    noteLength();
    save();
  });
  page.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      page.form.requestSubmit();
    }
  });
  page.retryNow.addEventListener("click", retryNow);
  page.startAgain.addEventListener("click", startAgain);
  page.quickExit.addEventListener("click", quickExit);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !event.isComposing) quickExit(event);
  });
  window.addEventListener("online", retryNow);

  save();
  pump();
})();
