package io.egressjava.bench;

import io.egressjava.testrig.FilePublisher;
import io.egressjava.testrig.LiveKitServer;
import io.egressjava.testrig.Ports;
import io.livekit.server.EgressServiceClient;
import io.livekit.server.RoomServiceClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitModels;

/** Publishing into a bench room and watching its egresses, through LiveKit's SDKs. */
final class BenchRoom {
  private static final Duration POLL = Duration.ofMillis(50);

  private BenchRoom() {}

  /**
   * Tracks to publish for {@code count} egresses: livekit-server now and then never listed one of a
   * Go SDK publisher's tracks (4 of 5, 19 of 20), so a few more are published and the first listed used.
   */
  static int spare(int count) {
    return count + Math.max(1, count / 4);
  }

  /**
   * {@code count} tracks of {@code file}, {@code perPublisher} per publisher, each through a link
   * with a name of its own (the publisher names each track after its file).
   */
  static List<FilePublisher> publishCopies(LiveKitServer livekit, String room, String identity, Path file, int count,
      int perPublisher, Path dir) throws IOException {
    Path links = Files.createDirectories(dir.resolve("published"));
    List<FilePublisher> publishers = new ArrayList<>();
    for (int first = 0; first < count; first += perPublisher) {
      Path[] named = new Path[Math.min(perPublisher, count - first)];
      for (int i = 0; i < named.length; i++) {
        named[i] = Files.createSymbolicLink(links.resolve((first + i) + "-" + file.getFileName()), file.toAbsolutePath());
      }
      publishers.add(FilePublisher.start(livekit, room, identity + first / perPublisher, false, named));
    }
    return publishers;
  }

  /** The room's published tracks once there are at least {@code count}. */
  static List<LivekitModels.TrackInfo> awaitTracks(RoomServiceClient rooms, String room, int count) {
    List<LivekitModels.TrackInfo> tracks = new ArrayList<>();
    Ports.await(Duration.ofSeconds(120), count + " published tracks in " + room, () -> {
      tracks.clear();
      try {
        var listed = rooms.listParticipants(room).execute();
        if (!listed.isSuccessful() || listed.body() == null) {
          System.out.println("listParticipants " + room + ": HTTP " + listed.code());
          return false;
        }
        for (LivekitModels.ParticipantInfo p : listed.body()) {
          tracks.addAll(p.getTracksList());
        }
      } catch (IOException e) {
        return false;
      }
      if (tracks.size() < count) {
        System.out.println(room + ": " + tracks.size() + " of " + count + " tracks published");
      }
      return tracks.size() >= count;
    });
    return tracks;
  }

  /** Lists the room's egresses every {@link #POLL} into {@code each} until {@code done} or {@code limit} is up. */
  static void pollListed(EgressServiceClient egress, String room, Duration limit, BooleanSupplier done,
      Consumer<EgressInfo> each) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      egress.listEgress(room).execute().body().forEach(each);
      Thread.sleep(POLL.toMillis());
    }
  }
}
