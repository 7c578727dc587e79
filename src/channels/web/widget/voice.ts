// Voice in the browser: the question through SpeechRecognition (webkitSpeechRecognition in
// Chromium and Safari) where it exists, and answers read aloud through speechSynthesis.

export interface Alternative {
  text: string;
  confidence: number;
}

export interface Recognizer {
  start(): void;
  stop(): void;
}

export interface RecognizerEvents {
  /** The transcript so far (final words and the current guess), for the input box. */
  onText(text: string): void;
  /** The final transcript's alternatives, best first. */
  onFinal(alternatives: Alternative[]): void;
  onEnd(error?: string): void;
}

// The parts of the Web Speech API the widget uses (TypeScript's DOM library lacks the constructor).
interface SpeechRecognitionLike {
  lang: string;
  interimResults: boolean;
  continuous: boolean;
  maxAlternatives: number;
  onresult: ((e: { resultIndex: number; results: SpeechRecognitionResultList }) => void) | null;
  onerror: ((e: { error: string }) => void) | null;
  onend: (() => void) | null;
  start(): void;
  stop(): void;
}
type SpeechRecognitionCtor = new () => SpeechRecognitionLike;

function browserRecognition(): SpeechRecognitionCtor | null {
  const w = window as unknown as { SpeechRecognition?: SpeechRecognitionCtor; webkitSpeechRecognition?: SpeechRecognitionCtor };
  return w.SpeechRecognition ?? w.webkitSpeechRecognition ?? null;
}

/**
 * Speech-to-text on the server, for browsers without SpeechRecognition (Firefox): record with
 * MediaRecorder and send the audio. Not built yet (a later issue); until it returns a recognizer
 * the microphone button stays hidden in those browsers.
 */
export function serverSpeechToText(_lang: 'vi' | 'en', _events: RecognizerEvents): Recognizer | null {
  return null;
}

export function canRecognize(): boolean {
  return browserRecognition() !== null;
}

export function createRecognizer(lang: 'vi' | 'en', events: RecognizerEvents): Recognizer | null {
  const Ctor = browserRecognition();
  if (!Ctor) return serverSpeechToText(lang, events);
  const r = new Ctor();
  r.lang = lang === 'vi' ? 'vi-VN' : 'en-US';
  r.interimResults = true;
  r.continuous = false;
  r.maxAlternatives = 3;
  let finalText = '';
  let alternatives: Alternative[] = [];
  r.onresult = (e) => {
    let interim = '';
    for (let i = e.resultIndex; i < e.results.length; i++) {
      const res = e.results[i]!;
      const best = res[0];
      if (!best) continue;
      if (res.isFinal) {
        finalText += best.transcript;
        alternatives = [];
        for (let j = 0; j < res.length && j < 10; j++) {
          const a = res[j]!;
          alternatives.push({ text: a.transcript.trim().slice(0, 2000), confidence: Math.min(1, Math.max(0, a.confidence || 0)) });
        }
      } else {
        interim += best.transcript;
      }
    }
    events.onText((finalText + interim).trim());
  };
  r.onerror = (e) => events.onEnd(e.error);
  r.onend = () => {
    if (alternatives.length) events.onFinal(alternatives);
    events.onEnd();
  };
  return r;
}

export function canSpeak(): boolean {
  return typeof window !== 'undefined' && 'speechSynthesis' in window && typeof SpeechSynthesisUtterance !== 'undefined';
}

/** Reads a text aloud; returns a function that stops it. `onEnd` runs when it stops either way. */
export function speak(text: string, lang: 'vi' | 'en', onEnd: () => void): () => void {
  const synth = window.speechSynthesis;
  synth.cancel();
  const u = new SpeechSynthesisUtterance(text);
  u.lang = lang === 'vi' ? 'vi-VN' : 'en-US';
  const voice = synth.getVoices().find((v) => v.lang.toLowerCase().startsWith(lang));
  if (voice) u.voice = voice;
  u.onend = onEnd;
  u.onerror = onEnd;
  synth.speak(u);
  return () => {
    synth.cancel();
    onEnd();
  };
}
