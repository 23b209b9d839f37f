package dev.echoid.identity.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.fixtures.Browser;
import dev.echoid.identity.fixtures.FacesRequest;
import jakarta.servlet.http.Cookie;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The device cookie an attacker would forge, move to another user, or stuff: only a genuine entry counts. */
class DeviceCookiesTest {

    private final DeviceCookies cookies = new DeviceCookies(new byte[32], true);

    @Test
    void deviceWhenEntryIsGenuineForThatUserThenItsNonce() {
        String value = cookies.withNewEntry("alice", null);
        Optional<String> device = cookies.device("alice", value);
        assertThat(device).isPresent();
        assertThat(value).startsWith(device.get() + ".");
    }

    @Test
    void deviceWhenEntryIsForAnotherUserOrSignedWithAnotherKeyOrAlteredThenNone() {
        String alices = cookies.withNewEntry("alice", null);
        assertThat(cookies.device("bob", alices)).as("another user's entry").isEmpty();
        assertThat(new DeviceCookies(new byte[] {1}, true).device("alice", alices)).as("another key").isEmpty();
        String nonce = alices.substring(0, alices.indexOf('.'));
        String forged = nonce + "." + "A".repeat(43);
        assertThat(cookies.device("alice", forged)).as("a made-up MAC").isEmpty();
        char last = alices.charAt(alices.length() - 1);
        assertThat(cookies.device("alice", alices.substring(0, alices.length() - 1) + (last == 'A' ? 'B' : 'A')))
                .isEmpty();
        assertThat(cookies.device("alice", "garbage~" + "x".repeat(5000))).isEmpty();
        assertThat(cookies.device("alice", null)).isEmpty();
    }

    @Test
    void withNewEntryThenNewNonceFirstOldEntryOfTheUserReplacedOthersKeptUpToFive() {
        String first = cookies.withNewEntry("alice", null);
        String both = cookies.withNewEntry("bob", first);
        assertThat(cookies.device("alice", both)).isEqualTo(cookies.device("alice", first));
        assertThat(cookies.device("bob", both)).isPresent();
        String again = cookies.withNewEntry("alice", both);
        assertThat(cookies.device("alice", again)).isPresent().isNotEqualTo(cookies.device("alice", first));
        assertThat(again.split("~")).hasSize(2);
        String many = again;
        for (int i = 0; i < 10; i++) {
            many = cookies.withNewEntry("user" + i, many);
        }
        assertThat(many.split("~")).hasSize(DeviceCookies.MAX_ENTRIES);
        assertThat(cookies.device("user9", many)).isPresent();
        assertThat(cookies.device("alice", many)).as("the oldest left").isEmpty();
    }

    @Test
    void ofWhenKeyEncryptionKeySetThenEveryNodeAcceptsTheSameCookies() {
        byte[] kek = new byte[32];
        kek[0] = 7;
        DeviceCookies one = DeviceCookies.of(Optional.of(kek), true);
        DeviceCookies other = DeviceCookies.of(Optional.of(kek.clone()), true);
        assertThat(other.device("alice", one.withNewEntry("alice", null))).isPresent();
        assertThat(DeviceCookies.of(Optional.empty(), false).device("alice", one.withNewEntry("alice", null)))
                .as("without the key: a key of this start only").isEmpty();
    }

    @Test
    void ofWithoutAKeyEncryptionKeyMakesADifferentKeyEachStart() {
        DeviceCookies one = DeviceCookies.of(Optional.empty(), false);
        DeviceCookies other = DeviceCookies.of(Optional.empty(), false);
        assertThat(other.device("alice", one.withNewEntry("alice", null))).isEmpty();
        assertThat(cookies.device("alice", one.withNewEntry("alice", null))).as("not a zero key").isEmpty();
    }

    @Test
    void rememberSetsAStrictLongLivedCookieWithTheUsersEntryFirstAndKeepsTheOthers() {
        Browser browser = new Browser("/identity");
        browser.cookies.put("OTHER", "x");
        browser.cookies.put(DeviceCookies.COOKIE, cookies.withNewEntry("bob", null));
        try (FacesRequest http = FacesRequest.of(browser)) {
            cookies.remember(" ALICE ", http.servletRequest(), browser.response());
        }
        Cookie cookie = browser.set.get(0);
        assertThat(cookie.getName()).isEqualTo(DeviceCookies.COOKIE);
        assertThat(cookie.getPath()).isEqualTo("/identity");
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSecure()).isTrue();
        assertThat(cookie.getMaxAge()).isEqualTo(400 * 24 * 3600);
        assertThat(cookie.getAttribute("SameSite")).isEqualTo("Lax");
        assertThat(cookies.device("alice", cookie.getValue())).hasValueSatisfying(
                nonce -> assertThat(cookie.getValue()).startsWith(nonce + "."));
        assertThat(cookies.device("bob", cookie.getValue())).as("the other user's entry kept").isPresent();

        Browser atRoot = new Browser("");
        try (FacesRequest http = FacesRequest.of(atRoot)) {
            new DeviceCookies(new byte[32], false).remember("alice", http.servletRequest(), atRoot.response());
        }
        assertThat(atRoot.set.get(0).getPath()).isEqualTo("/");
        assertThat(atRoot.set.get(0).getSecure()).isFalse();
    }

    @Test
    void presentedIsTheAddressAndTheDeviceCookieIfAny() {
        Browser browser = new Browser("/identity");
        try (FacesRequest http = FacesRequest.of(browser)) {
            http.remoteAddress = "192.0.2.9";
            assertThat(DeviceCookies.presented(http.servletRequest())).isEqualTo(ClientDevice.at("192.0.2.9"));
            browser.cookies.put("OTHER", "x");
            assertThat(DeviceCookies.presented(http.servletRequest()).deviceCookie()).isNull();
            browser.cookies.put(DeviceCookies.COOKIE, "value");
            assertThat(DeviceCookies.presented(http.servletRequest()))
                    .isEqualTo(new ClientDevice("192.0.2.9", "value"));
        }
    }

    @Test
    void deviceWhenTheCookieIsLongerThanFiveEntriesCanBeThenNothingIsRead() {
        String genuine = cookies.withNewEntry("alice", null);
        String padded = genuine + "~" + "x".repeat(DeviceCookies.MAX_ENTRIES * 70 - genuine.length() - 1);
        assertThat(padded).hasSize(350);
        assertThat(cookies.device("alice", padded)).as("at the limit").isPresent();
        assertThat(cookies.device("alice", padded + "x")).as("beyond it").isEmpty();
    }
}
