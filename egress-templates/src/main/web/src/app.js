// The room-composite page. The egress opens it with ?url=<ws url>&token=<join token>&layout=<name>,
// records what it shows and plays, and follows its console: START_RECORDING once there is something
// to record, END_RECORDING when the room is gone (protocol of the reference egress's templates).
import { Room, RoomEvent, Track, setLogLevel } from 'livekit-client';
import { arrange, effectiveLayout } from './layout.js';

const query = new URLSearchParams(location.search);
const stage = document.getElementById('stage');
let layout = query.get('layout') || 'grid';
let started = false;
let startTimer = null;
const tiles = new Map(); // track sid -> { element, participant, screen }

function startRecording() {
  if (!started) {
    started = true;
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

function render() {
  document.body.classList.toggle('light', layout.endsWith('-light'));
  const list = [...tiles.values()];
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

let joinedCounter = 0;
room.on(RoomEvent.TrackSubscribed, (track, publication, participant) => {
  if (!startTimer) {
    startTimer = setTimeout(startRecording, 5000); // something is subscribed: record within 5 s whatever happens
  }
  if (track.kind === Track.Kind.Audio) {
    const audio = track.attach();
    audio.style.display = 'none';
    document.body.appendChild(audio);
    setTimeout(() => {
      if (![...tiles.values()].length) {
        startRecording(); // audio only: no picture to wait for
      }
    }, 500);
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
  const order = (participant.joinedAt ? participant.joinedAt.getTime() * 1000 : Date.now() * 1000) + joinedCounter++;
  tiles.set(track.sid, { sid: track.sid, element, participant, screen, order });
  if (video.requestVideoFrameCallback) {
    video.requestVideoFrameCallback(() => startRecording());
  } else {
    video.addEventListener('playing', startRecording, { once: true });
  }
  render();
});

room.on(RoomEvent.TrackUnsubscribed, (track) => {
  track.detach().forEach((el) => el.remove());
  const tile = tiles.get(track.sid);
  if (tile) {
    tile.element.remove();
    tiles.delete(track.sid);
  }
  render();
});

room.on(RoomEvent.ActiveSpeakersChanged, render);

// UpdateLayout: the server sets the egress participant's metadata to {"layout": "..."}
room.on(RoomEvent.ParticipantMetadataChanged, (_old, participant) => {
  if (participant !== room.localParticipant) {
    return;
  }
  try {
    const next = JSON.parse(participant.metadata || '{}').layout;
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
  room.connect(url, token, { autoSubscribe: true }).catch((e) => showError(`could not join the room: ${e.message}`));
}
