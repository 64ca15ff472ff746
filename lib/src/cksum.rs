//! The Internet checksum (`libfree/in_cksum.c`, Figure 28.14; RFC 1071):
//! ICMPv4 (ping), IPv4 headers and the UDP checksum of chapter 29.
//!
//! The one's-complement sum of the data taken as 16-bit big-endian words
//! (an odd last byte padded with a zero byte), the carries folded back in,
//! and the result complemented. The C sums the words in memory order and
//! stores the result the same way; summing them as big-endian numbers and
//! storing the result big-endian ([`u16::to_be_bytes`]) is the same
//! computation, with no byte swap on any host.

/// The Internet checksum of `data`: put it into the packet with
/// `to_be_bytes`. A packet whose checksum field holds the right value
/// checksums to 0.
pub fn in_cksum(data: &[u8]) -> u16 {
    fold(sum(0, data))
}

/// The UDP checksum of an IPv4 datagram (RFC 768): the Internet checksum
/// over the pseudo-header (source, destination, zero, protocol 17, UDP
/// length) and the UDP header and data, `udp`, whose checksum field is
/// taken as it is (zero it first to compute a checksum; leave it to verify:
/// a correct one gives 0). A computed 0 is sent as `0xffff`, because 0 in
/// the field means "no checksum".
pub fn udp_cksum_v4(src: [u8; 4], dst: [u8; 4], udp: &[u8]) -> u16 {
    let mut pseudo = [0u8; 12];
    pseudo[..4].copy_from_slice(&src);
    pseudo[4..8].copy_from_slice(&dst);
    pseudo[9] = libc::IPPROTO_UDP as u8;
    pseudo[10..].copy_from_slice(&(udp.len() as u16).to_be_bytes());
    match fold(sum(sum(0, &pseudo), udp)) {
        0 => 0xffff,
        cksum => cksum,
    }
}

/// The 32-bit sum of `data`'s 16-bit big-endian words, added to `acc`
/// (the pseudo-header is 12 bytes, so a sum carried on stays word-aligned).
fn sum(acc: u64, data: &[u8]) -> u64 {
    let mut chunks = data.chunks_exact(2);
    let mut total = acc;
    for word in &mut chunks {
        total += u64::from(u16::from_be_bytes([word[0], word[1]]));
    }
    if let [last] = chunks.remainder() {
        total += u64::from(u16::from_be_bytes([*last, 0]));
    }
    total
}

/// The carries folded back into 16 bits, complemented.
fn fold(mut total: u64) -> u16 {
    while total > 0xffff {
        total = (total & 0xffff) + (total >> 16);
    }
    !(total as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1071_example() {
        // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to 0x2ddf0,
        // folded to 0xddf2, complemented to 0x220d.
        assert_eq!(
            in_cksum(&[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]),
            0x220d
        );
    }

    #[test]
    fn an_odd_byte_is_padded_with_zero() {
        assert_eq!(in_cksum(&[0x12]), !0x1200);
        assert_eq!(in_cksum(&[0x12, 0x34, 0x56]), !(0x1234 + 0x5600));
        assert_eq!(in_cksum(&[]), 0xffff);
    }

    #[test]
    fn a_packet_with_its_checksum_sums_to_zero() {
        // An ICMP echo request, type 8, code 0, id 0x1234, seq 1, data.
        let mut echo = vec![8, 0, 0, 0, 0x12, 0x34, 0, 1];
        echo.extend(std::iter::repeat(0xa5).take(57));
        let cksum = in_cksum(&echo);
        echo[2..4].copy_from_slice(&cksum.to_be_bytes());
        assert_eq!(in_cksum(&echo), 0);
        echo[9] ^= 1;
        assert_ne!(in_cksum(&echo), 0, "a flipped bit is detected");
    }

    #[test]
    fn udp_checksum_of_a_known_datagram() {
        // 127.0.0.1:40000 -> 127.0.0.1:53, payload "hi": computed by hand.
        // pseudo: 7f00 0001 7f00 0001 0011 000a; udp: 9c40 0035 000a 0000 6869
        let src = [127, 0, 0, 1];
        let mut udp = vec![0x9c, 0x40, 0x00, 0x35, 0x00, 0x0a, 0, 0, b'h', b'i'];
        let words: u32 = [
            0x7f00, 0x0001, 0x7f00, 0x0001, 0x0011, 0x000a, 0x9c40, 0x0035, 0x000a, 0x6869,
        ]
        .iter()
        .sum();
        let expected = !(((words & 0xffff) + (words >> 16)) as u16);
        let cksum = udp_cksum_v4(src, src, &udp);
        assert_eq!(cksum, expected);
        udp[6..8].copy_from_slice(&cksum.to_be_bytes());
        assert_eq!(
            fold(sum(
                sum(0, &[127, 0, 0, 1, 127, 0, 0, 1, 0, 17, 0, 10]),
                &udp
            )),
            0
        );
    }
}
