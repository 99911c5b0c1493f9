package dev.heirloom.cli;

import dev.heirloom.Heirloom;
import dev.heirloom.TargetSpec;
import dev.heirloom.spi.InvalidConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Configuration scalars keep the text the user wrote: YAML 1.1's bare words and numbers never
 * turn a name, path or option value into something else, and a field that wants a number or a
 * boolean refuses anything that is not exactly one.
 */
class LiteralConfigTest {
    @TempDir
    Path tmp;

    private Heirloom.Builder load(String yaml) throws IOException {
        Files.createDirectories(tmp.resolve("Pictures"));
        Path file = tmp.resolve("heirloom.yaml");
        Files.writeString(file, yaml);
        return ConfigFile.load(file);
    }

    private String config(String word) {
        return "source: { path: Pictures }\npolicy: { copies: 2, media: 1, offsite: 0 }\ntargets:\n"
                + "  - { name: " + word + ", path: usb/" + word + ", medium: external-disk, site: onsite, options: { fsync: "
                + word + " } }\n";
    }

    @Test
    void aTimeLikeWordStaysTextInAPathAndAnOption() throws IOException {
        // 12:30 is a YAML 1.1 sexagesimal number (750); it is no valid target name, so it is tried where text goes
        try (Heirloom h = load("source: { path: Pictures }\ntargets:\n  - { name: a, path: usb/12:30, medium: external-disk, "
                + "site: onsite }\n").build()) {
            assertThat(h.targets().get(0).uri().getPath()).endsWith("/usb/12:30");
        }
        assertThatThrownBy(() -> load("source: { path: Pictures }\ntargets:\n  - { name: a, path: usb/a, medium: "
                + "external-disk, site: onsite, options: { fsync: 12:30 } }\n").build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("fsync must be true or false");
    }

    @ParameterizedTest
    @ValueSource(strings = {"off", "no", "on", "yes", "y", "n", "0777", "1e3", "0x1F", "1_000", "True", "2.9"})
    void aBareWordOrNumberStaysTheTextWritten(String word) throws IOException {
        try (Heirloom h = load(config(word).replace(", options: { fsync: " + word + " }", "")).build()) {
            TargetSpec t = h.targets().get(0);
            assertThat(t.name()).isEqualTo(word);
            assertThat(t.uri().getPath()).endsWith("/usb/" + word);
        }
        // as an option value the word reaches the provider as written, which accepts true/false/yes/no only
        if (java.util.Set.of("yes", "no", "true", "false").contains(word.toLowerCase(java.util.Locale.ROOT))) {
            try (Heirloom h = load(config(word)).build()) {
                assertThat(h.targets().get(0).options()).containsEntry("fsync", word);
            }
        } else {
            assertThatThrownBy(() -> load(config(word)).build()).isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining("fsync must be true or false");
        }
    }

    @Test
    void anOptionValueKeepsItsText() throws IOException {
        try (Heirloom h = load("source: { path: Pictures }\ntargets:\n"
                + "  - { name: a, path: usb/a, medium: external-disk, site: onsite, options: { fsync: false } }\n").build()) {
            assertThat(h.targets().get(0).options()).containsEntry("fsync", "false");
        }
    }

    @Test
    void aBareNullIsNoValueAndSaysSo() {
        assertThatThrownBy(() -> load(config("null")).build()).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("name").hasMessageContaining("quote it");
    }

    @ParameterizedTest
    @ValueSource(strings = {"copies: 2.9, media: 1", "copies: 3, media: 2, offsite: one", "copies: 0777, media: 1",
            "copies: '3', media: 1", "copies: yes, media: 1"})
    void aPolicyNumberThatIsNotAWholeNumberIsAnError(String policy) {
        assertThatThrownBy(() -> load("source: { path: Pictures }\npolicy: { " + policy + " }\ntargets:\n"
                + "  - { name: a, path: usb/a, medium: external-disk, site: onsite }\n"))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("must be a whole number");
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "no", "on", "off", "1", "'true'"})
    void aBooleanIsTrueOrFalseAndNothingElse(String word) {
        assertThatThrownBy(() -> load("source: { path: Pictures, followLinks: " + word + " }\ntargets:\n"
                + "  - { name: a, path: usb/a, medium: external-disk, site: onsite }\n"))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("followLinks must be true or false");
    }

    @Test
    void aKeyGivenTwiceIsAnError() {
        assertThatThrownBy(() -> load("source: { path: Pictures }\nsource: { path: Other }\ntargets: []\n"))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'source' is given twice");
    }

    @Test
    void trueFalseAndWholeNumbersStillWork() throws IOException {
        try (Heirloom h = load("source: { path: Pictures, followLinks: true }\npolicy: { copies: 3, media: 2, offsite: 1 }\n"
                + "rehash: 5\ntargets:\n  - { name: a, path: usb/a, medium: external-disk, site: onsite }\n"
                + "  - { name: b, path: usb/b, medium: cloud, site: offsite }\n").build()) {
            assertThat(h.source().followLinks()).isTrue();
            assertThat(h.policy().toString()).isEqualTo("3-2-1");
        }
    }
}
