package dev.heirloom.repository;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gets the JIT to compile the JDK's AES-GCM with its CPU intrinsics before a large file needs it.
 * Streaming AEAD calls GCM once per 1 MiB segment, and HotSpot compiles a method with the GHASH
 * intrinsic only after thousands of calls: measured here, the first 512 MiB were encrypted at
 * 58-67 MB/s, against 2-4 GB/s once compiled, so a backup of a few GB spent most of its time in
 * interpreted GHASH. Ten thousand encryptions and decryptions of 1 KiB (about 0.2 s of one core, on
 * a background thread) bring it to 0.8 GB/s from the first segment. Done once per JVM.
 */
final class GcmWarmUp {
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static final int ROUNDS = 10_000;

    private GcmWarmUp() {
    }

    /** Starts the warm-up on a daemon thread, the first time only. */
    static void start() {
        if (STARTED.compareAndSet(false, true)) {
            Thread t = new Thread(GcmWarmUp::run, "heirloom-gcm-warm-up");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            t.start();
        }
    }

    private static void run() {
        try {
            SecretKeySpec key = new SecretKeySpec(new byte[32], "AES");
            Cipher encrypt = Cipher.getInstance("AES/GCM/NoPadding");
            Cipher decrypt = Cipher.getInstance("AES/GCM/NoPadding");
            byte[] plain = new byte[1024];
            byte[] nonce = new byte[12];
            for (int i = 0; i < ROUNDS; i++) {
                nonce[0] = (byte) i;
                nonce[1] = (byte) (i >>> 8);
                encrypt.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
                byte[] sealed = encrypt.doFinal(plain);
                decrypt.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce));
                decrypt.doFinal(sealed);
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            // only an optimisation: the real encryption reports any real problem
        }
    }
}
