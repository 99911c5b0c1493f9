package dev.heirloom.retention;

import dev.heirloom.Heirloom;
import dev.heirloom.MutableClock;
import dev.heirloom.TestProvider;
import dev.heirloom.Trees;
import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.restore.RestoreOptions;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.storage.ProviderRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A year and a half of nightly backups, then keep-daily 7 / keep-monthly 12 / keep-deleted 365 days. */
class RetentionTest {
    @TempDir
    Path tmp;

    private final InMemoryTarget store = new InMemoryTarget();
    private final MutableClock clock = new MutableClock(Instant.EPOCH);

    private Heirloom heirloom(Path src, RetentionPolicy policy) {
        Heirloom.Builder b = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> store)))
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE).clock(clock);
        if (policy != null) {
            b.retention("usb", policy);
        }
        return b.build();
    }

    @Test
    void exactlyTheExpectedSnapshotsRemainAndADeletedPhotoStaysRestorable() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        LocalDate first = LocalDate.of(2025, 1, 1);
        int days = 500;
        LocalDate last = first.plusDays(days - 1);
        LocalDate deletedOn = last.minusDays(200);
        RetentionPolicy policy = RetentionPolicy.none().withDaily(7).withMonthly(12).withDeletedFor(Duration.ofDays(365));
        try (Heirloom h = heirloom(src, policy)) {
            for (int d = 0; d < days; d++) {
                LocalDate day = first.plusDays(d);
                clock.set(day.atTime(2, 0).toInstant(ZoneOffset.UTC));
                Trees.write(src, "photos/day-" + d + ".jpg", "photo of " + day);
                if (day.equals(first.plusDays(3))) {
                    Trees.write(src, "2025/grandma.jpg", "grandma's last birthday");
                }
                if (day.equals(deletedOn)) {
                    Files.delete(src.resolve("2025/grandma.jpg"));
                }
                h.backup();
            }
            assertThat(h.snapshots("usb")).hasSize(days);

            ForgetReport preview = h.forget("usb", true);
            assertThat(h.snapshots("usb")).as("a dry run deletes nothing").hasSize(days);

            Set<LocalDate> expected = new TreeSet<>();
            for (int i = 0; i < 7; i++) {
                expected.add(last.minusDays(i));
            }
            for (int m = 0; m < 12; m++) {
                LocalDate monthEnd = last.withDayOfMonth(1).minusMonths(m).plusMonths(1).minusDays(1);
                expected.add(monthEnd.isAfter(last) ? last : monthEnd);
            }
            expected.add(deletedOn.minusDays(1));
            Set<LocalDate> previewKept = preview.decisions().stream().filter(RetentionDecision::kept)
                    .map(d -> LocalDate.ofInstant(d.snapshot().time(), ZoneOffset.UTC)).collect(Collectors.toCollection(TreeSet::new));
            assertThat(previewKept).isEqualTo(expected);
            assertThat(preview.forgotten()).isEqualTo(days - expected.size());
            assertThat(preview.decisions()).filteredOn(d -> LocalDate.ofInstant(d.snapshot().time(), ZoneOffset.UTC)
                    .equals(deletedOn.minusDays(1))).singleElement()
                    .satisfies(d -> assertThat(d.reasons()).anySatisfy(r -> assertThat(r).contains("deleted " + deletedOn)));

            ForgetReport done = h.forget("usb", false);
            assertThat(done.forgotten()).isEqualTo(days - expected.size());
            Set<LocalDate> remaining = h.snapshots("usb").stream().map(Snapshot::time)
                    .map(t -> LocalDate.ofInstant(t, ZoneOffset.UTC)).collect(Collectors.toCollection(TreeSet::new));
            assertThat(remaining).isEqualTo(expected);

            Snapshot holdsGrandma = h.snapshots("usb").stream()
                    .filter(s -> LocalDate.ofInstant(s.time(), ZoneOffset.UTC).equals(deletedOn.minusDays(1))).findFirst().orElseThrow();
            Path out = tmp.resolve("out");
            h.restore("usb", Optional.of(holdsGrandma.id()), RestoreOptions.into(out).withGlob("2025/grandma.jpg"));
            assertThat(Files.readString(out.resolve("2025/grandma.jpg"))).isEqualTo("grandma's last birthday");
        }
    }

    @Test
    void forgetNeedsAPolicyAndAlwaysKeepsTheLatest() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Trees.write(src, "a.jpg", "a");
        clock.set(Instant.parse("2026-01-01T00:00:00Z"));
        try (Heirloom h = heirloom(src, null)) {
            h.backup();
            assertThatThrownBy(() -> h.forget("usb", true)).isInstanceOf(InvalidConfigException.class);
        }
        try (Heirloom h = heirloom(src, RetentionPolicy.none())) {
            clock.advance(Duration.ofSeconds(60));
            h.backup();
            ForgetReport r = h.forget("usb", false);
            assertThat(r.forgotten()).isEqualTo(1);
            assertThat(h.snapshots("usb")).singleElement().extracting(Snapshot::time).isEqualTo(clock.instant());
        }
    }
}
