#!/usr/bin/perl
# A page whose background is the colour named in the form field "color"
# (blue when none is given), from a GET query string or a POST body.
use strict;
use warnings;

my $form = '';
if (($ENV{REQUEST_METHOD} // '') eq 'POST') {
    read(STDIN, $form, $ENV{CONTENT_LENGTH} // 0);
} else {
    $form = $ENV{QUERY_STRING} // '';
}

my $color = 'blue';
for my $pair (split /[&;]/, $form) {
    my ($name, $value) = map { tr/+/ /r =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ger } split /=/, $pair, 2;
    $color = $value if $name eq 'color' && defined $value && $value =~ /\A#?[A-Za-z0-9]{1,32}\z/;
}

my $title = uc $color;
print "Content-Type: text/html\r\n\r\n";
print <<"PAGE";
<!DOCTYPE html>
<html>
<head><title>$title</title></head>
<body bgcolor="$color" style="background-color: $color">
<h1>This is $color</h1>
</body>
</html>
PAGE
