package dev.heirloom.examples;

import dev.heirloom.BackupReport;
import dev.heirloom.Heirloom;
import dev.heirloom.backup.ProgressListener;
import dev.heirloom.policy.ComplianceReport;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Policy;
import dev.heirloom.policy.Site;
import dev.heirloom.repository.Encryption;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.source.SourceProblem;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Backs up a photo folder from a program, with the builder API, and checks the 3-2-1 rule.
 *
 * <p>Run: {@code HEIRLOOM_PASSPHRASE=... java -cp ... dev.heirloom.examples.EmbeddedBackup PICTURES USB_FOLDER NAS_FOLDER
 * OFFSITE_FOLDER}; the offsite copy is encrypted with that passphrase (without it, kept in the clear on purpose).
 */
public final class EmbeddedBackup {
    private EmbeddedBackup() {
    }

    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: EmbeddedBackup PICTURES USB_FOLDER NAS_FOLDER OFFSITE_FOLDER");
            System.exit(2);
        }
        BackupReport report = backUp(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), Path.of(args[3]),
                System.getenv("HEIRLOOM_PASSPHRASE"));
        ComplianceReport compliance = report.compliance();
        System.out.printf("%d files backed up; policy %s %s%n", report.stats().files(), compliance.policy(),
                compliance.compliant() ? "met" : "NOT met for " + compliance.nonCompliantFiles() + " files");
        System.exit(report.succeeded() && compliance.compliant() ? 0 : 1);
    }

    /** The whole integration: configure, back up, read the report. */
    public static BackupReport backUp(Path pictures, Path usb, Path nas, Path offsite, String passphrase) {
        AtomicLong stored = new AtomicLong();
        ProgressListener progress = new ProgressListener() {
            @Override
            public void bytesStored(String target, long count) {
                stored.addAndGet(count);
            }

            @Override
            public void problem(SourceProblem problem) {
                System.err.println("skipped " + problem.path() + ": " + problem.reason());
            }
        };
        try (Heirloom heirloom = open(pictures, usb, nas, offsite, passphrase)) {
            return heirloom.backup(progress);
        }
    }

    /**
     * The configuration: a photo folder, three targets (one offsite, encrypted when a passphrase is
     * given), the 3-2-1 rule. Close it when done.
     */
    public static Heirloom open(Path pictures, Path usb, Path nas, Path offsite, String passphrase) {
        return Heirloom.builder()
                .source(pictures, MediaFilter.photosAndVideos().excluding("**/.thumbnails/**"))
                .target("usb", usb.toUri(), Medium.EXTERNAL_DISK, Site.ONSITE)
                .target("nas", nas.toUri(), Medium.NAS, Site.ONSITE)
                .target("offsite", offsite.toUri(), Medium.CLOUD, Site.OFFSITE)
                .encryption("offsite", passphrase == null ? Encryption.none() : Encryption.passphrase(passphrase))
                .policy(Policy.threeTwoOne())
                .build();
    }
}
