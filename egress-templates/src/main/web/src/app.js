// The room-composite page. The egress opens it with ?url=<ws url>&token=<join token>&layout=<name>,
// records what it shows and plays, and follows its console: START_RECORDING once there is something
// to record, END_RECORDING when the room is gone (protocol of the reference egress's templates).
import { Room, RoomEvent, Track, setLogLevel } from 'livekit-client';
import { arrange, effectiveLayout } from './layout.js';

const query = new URLSearchParams(location.search);
const stage = document.getElementById('stage');
// audio=0: the egress mixes the room's sound itself, so the page subscribes to pictures only and
// reports how long each participant's pictures take from arrival to the screen (VIDEO_DELAY)
const pageAudio = query.get('audio') !== '0';
let layout = query.get('layout') || 'grid';
let started = false;
let startTimer = null;
const tiles = new Map(); // track sid -> { element, participant, screen }

function startRecording() {
  if (!started) {
    started = true;
    // the egress takes the first delays as they are and glides into later changes over a second
    // or more: report before the recording starts, not a second into it
    reportDelays();
    console.log('START_RECORDING');
  }
}

function showError(message) {
  stage.innerHTML = '';
  const div = document.createElement('div');
  div.className = 'error';
  div.textContent = message;
  stage.appendChild(div);
}

setLogLevel('info'); // the egress logs the page's console (warnings and errors at INFO)
const room = new Room({ adaptiveStream: false, dynacast: false });

// who the egress leaves out (its TrackFilter's selectors: identity:X, track:TR_x, kind:audio,
// kind:video, kind:screen_share), set by the egress through window.egressFilter
let excluded = new Set();
const audioElements = new Map(); // track sid -> { element, participant, screen }

function isExcluded(participant, sid, kind, screen) {
  return excluded.has(`identity:${participant.identity}`) || excluded.has(`track:${sid}`)
    || excluded.has(`kind:${kind}`) || (screen && excluded.has('kind:screen_share'));
}

window.egressFilter = (selectors) => {
  excluded = new Set(selectors);
  for (const [sid, a] of audioElements) {
    a.element.muted = isExcluded(a.participant, sid, 'audio', a.screen);
  }
  render();
};

// Each participant's place in the tile order: join time in ms, made unique in the order first seen.
// The SDK's joinedAt has whole seconds only, and people who join within one second would then be
// ordered by when their subscriptions arrived, unlike the native renderer (ms, PeopleOnShow); the
// millisecond time is in the participant's info (SDK-internal, so seconds remain the fallback).
const order = new Map(); // identity -> key
let joinedCounter = 0;
function joinedMs(participant) {
  const ms = participant.participantInfo?.joinedAtMs;
  if (ms) {
    return Number(ms);
  }
  return participant.joinedAt ? participant.joinedAt.getTime() : Date.now();
}
function orderOf(participant) {
  if (!order.has(participant.identity)) {
    order.set(participant.identity, joinedMs(participant) * 1000 + joinedCounter++);
  }
  return order.get(participant.identity);
}

// A participant who publishes but shows no camera (off, muted) gets a placeholder tile: a circle
// with their initial (the native renderer draws the same, PlaceholderPicture).
const placeholders = new Map(); // identity -> { sid, element, participant, screen, order }
function placeholderOf(participant) {
  let p = placeholders.get(participant.identity);
  if (!p) {
    const element = document.createElement('div');
    element.className = 'tile placeholder hidden';
    const avatar = document.createElement('div');
    avatar.className = 'avatar';
    const name = participant.name || participant.identity;
    avatar.textContent = ([...name].find((c) => /[\p{L}\p{N}]/u.test(c)) || '?').toUpperCase();
    element.appendChild(avatar);
    stage.appendChild(element);
    p = { sid: `PH_${participant.identity}`, element, participant, screen: false, order: orderOf(participant) };
    placeholders.set(participant.identity, p);
  }
  return p;
}

function showing() {
  const list = [...tiles.values()].filter((t) => !t.publication.isMuted
    && !isExcluded(t.participant, t.sid, 'video', t.screen));
  const pictured = new Set(list.filter((t) => !t.screen).map((t) => t.participant.identity));
  for (const participant of room.remoteParticipants.values()) {
    if (participant.trackPublications.size && !participant.permissions?.recorder && !pictured.has(participant.identity)
      && !isExcluded(participant, '', 'video', false)) {
      list.push(placeholderOf(participant));
    }
  }
  return list;
}

function render() {
  document.body.classList.toggle('light', layout.endsWith('-light'));
  for (const t of [...tiles.values(), ...placeholders.values()]) {
    t.element.classList.add('hidden');
  }
  const list = showing();
  const speakers = room.activeSpeakers.map((p) => p.identity);
  const boxes = arrange(effectiveLayout(layout, list.some((t) => t.screen)), list.map((t) => ({
    id: t.sid, identity: t.participant.identity, screen: t.screen, joined: t.order,
  })), speakers, stage.clientWidth, stage.clientHeight);
  for (const t of list) {
    const box = boxes.get(t.sid);
    t.element.classList.toggle('hidden', !box);
    if (box) {
      Object.assign(t.element.style, { left: `${box.x}px`, top: `${box.y}px`, width: `${box.w}px`, height: `${box.h}px` });
    }
  }
}

const START_WAIT_MS = 5000; // there is media: record within 5 s...
const START_WAIT_PICTURE_MS = 15000; // ...unless a picture is on its way: then once it moves, within 15 s

// whether a camera or screen share is published and not muted: its picture will come
function pictureOnItsWay() {
  return [...room.remoteParticipants.values()].some((p) => [...p.trackPublications.values()]
    .some((t) => t.kind === Track.Kind.Video && !t.isMuted));
}

// Starting at 5 s with a picture still on its way recorded a still opening (a placeholder, an empty
// tile) when Chrome was slow to play the first video (a loaded machine): wait for it, a while.
function somethingToRecord() {
  if (!startTimer) {
    const since = Date.now();
    const check = () => {
      if (started) {
        return;
      }
      if (!pictureOnItsWay() || Date.now() - since >= START_WAIT_PICTURE_MS) {
        startRecording();
      } else {
        startTimer = setTimeout(check, 250);
      }
    };
    startTimer = setTimeout(check, START_WAIT_MS);
  }
}

function soundToRecord() {
  somethingToRecord();
  setTimeout(() => {
    if (![...tiles.values()].length) {
      startRecording(); // audio only: no picture to wait for
    }
  }, 500);
}

// Per participant, how long its recent pictures took from the arrival of their last packet to the
// screen: the egress places that participant's sound this much later, so it meets the picture.
const delays = new Map(); // identity -> recent delays (ms)

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const PLAYING_FRAMES = 5; // pictures presented before a video counts as playing

// Follows each picture the video presents: records its arrival-to-screen delay, and starts the
// recording once the picture moves, not at its first frame (Chrome may show that first frame and
// then hold it for a second or more while its jitter buffer takes the subscription's burst, which
// would open the recording on a frozen picture).
function watchFrames(video, identity) {
  if (!video.requestVideoFrameCallback) {
    video.addEventListener('playing', startRecording, { once: true });
    return;
  }
  let presented = 0;
  const onFrame = (_now, frame) => {
    if (!video.isConnected) {
      return;
    }
    if (frame.receiveTime !== undefined && frame.expectedDisplayTime !== undefined) {
      const recent = delays.get(identity) || [];
      recent.push(frame.expectedDisplayTime - frame.receiveTime);
      if (recent.length > 60) {
        recent.shift();
      }
      delays.set(identity, recent);
    }
    if (++presented === PLAYING_FRAMES) {
      startRecording();
    }
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
}

function reportDelays() {
  if (!pageAudio && delays.size) {
    const report = {};
    for (const [identity, recent] of delays) {
      report[identity] = median(recent);
    }
    console.log('VIDEO_DELAY', report);
  }
}

setInterval(reportDelays, 1000);

// with the sound left to the egress only pictures are subscribed (no audio decoded in Chrome)
function subscribeWanted(publication) {
  if (publication.kind === Track.Kind.Audio) {
    soundToRecord();
  } else if (!publication.isSubscribed) {
    publication.setSubscribed(true);
  }
}

if (!pageAudio) {
  room.on(RoomEvent.TrackPublished, (publication) => subscribeWanted(publication));
  room.on(RoomEvent.ParticipantConnected, (participant) => participant.trackPublications.forEach(subscribeWanted));
}

room.on(RoomEvent.TrackSubscribed, (track, publication, participant) => {
  somethingToRecord();
  if (track.kind === Track.Kind.Audio) {
    const audio = track.attach();
    audio.style.display = 'none';
    const screenAudio = publication.source === Track.Source.ScreenShareAudio;
    audio.muted = isExcluded(participant, track.sid, 'audio', screenAudio);
    audioElements.set(track.sid, { element: audio, participant, screen: screenAudio });
    document.body.appendChild(audio);
    soundToRecord();
    return;
  }
  const element = document.createElement('div');
  element.className = 'tile';
  const screen = publication.source === Track.Source.ScreenShare;
  element.classList.toggle('screen', screen);
  const video = track.attach();
  video.muted = true;
  element.appendChild(video);
  stage.appendChild(element);
  // earlier joiners come first, whatever order the subscriptions arrive in
  tiles.set(track.sid, { sid: track.sid, element, participant, publication, screen, order: orderOf(participant) });
  watchFrames(video, participant.identity);
  render();
});

room.on(RoomEvent.TrackUnsubscribed, (track) => {
  track.detach().forEach((el) => el.remove());
  audioElements.delete(track.sid);
  const tile = tiles.get(track.sid);
  if (tile) {
    tile.element.remove();
    tiles.delete(track.sid);
    const identity = tile.participant.identity;
    if (![...tiles.values()].some((t) => t.participant.identity === identity)) {
      delays.delete(identity);
    }
  }
  render();
});

room.on(RoomEvent.ActiveSpeakersChanged, render);
// who gets a placeholder: publishing, muting and leaving change it
for (const event of [RoomEvent.TrackPublished, RoomEvent.TrackUnpublished, RoomEvent.TrackMuted, RoomEvent.TrackUnmuted,
  RoomEvent.ParticipantConnected]) {
  room.on(event, render);
}
room.on(RoomEvent.ParticipantDisconnected, (participant) => {
  const p = placeholders.get(participant.identity);
  if (p) {
    p.element.remove();
    placeholders.delete(participant.identity);
  }
  render();
});

// UpdateLayout: the server sets the egress participant's metadata to {"layout": "..."}. The egress
// reads it too (EGRESS_METADATA: pause, resume, who is recorded); the layout value may be a JSON
// object whose "layout" names the layout.
room.on(RoomEvent.ParticipantMetadataChanged, (_old, participant) => {
  if (participant !== room.localParticipant) {
    return;
  }
  console.log('EGRESS_METADATA', participant.metadata || '');
  try {
    let next = JSON.parse(participant.metadata || '{}').layout;
    if (typeof next === 'string' && next.trim().startsWith('{')) {
      next = JSON.parse(next).layout;
    }
    if (next) {
      layout = next;
      render();
    }
  } catch (e) {
    console.warn('ignoring metadata', participant.metadata);
  }
});

room.on(RoomEvent.Disconnected, () => console.log('END_RECORDING'));
window.addEventListener('resize', render);

const url = query.get('url');
const token = query.get('token');
if (!url || !token) {
  showError('missing url or token');
} else {
  room.connect(url, token, { autoSubscribe: pageAudio })
    .then(() => {
      if (!pageAudio) {
        room.remoteParticipants.forEach((p) => p.trackPublications.forEach(subscribeWanted));
      }
    })
    .catch((e) => showError(`could not join the room: ${e.message}`));
}
