#!/usr/bin/perl
# Lists the form fields it was given, from a GET query string or a POST
# body, each name and value HTML-escaped.
use strict;
use warnings;

my $form = '';
if (($ENV{REQUEST_METHOD} // '') eq 'POST') {
    read(STDIN, $form, $ENV{CONTENT_LENGTH} // 0);
} else {
    $form = $ENV{QUERY_STRING} // '';
}

sub escape {
    my ($text) = @_;
    $text =~ s/([&<>"'])/sprintf '&#%d;', ord $1/ge;
    return $text;
}

print "Content-Type: text/html\r\n\r\n";
print "<!DOCTYPE html>\n<html>\n<head><title>Form fields</title></head>\n";
print "<body style=\"background-color: red\">\n<h1>The fields of the form</h1>\n<ul>\n";
for my $pair (grep { length } split /[&;]/, $form) {
    my ($name, $value) = map { tr/+/ /r =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ger } split /=/, $pair, 2;
    printf "<li>%s = %s</li>\n", escape($name), escape($value // '');
}
print "</ul>\n</body>\n</html>\n";
