<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="pl_PL">
<context>
    <name>SelfCheckInWindow</name>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="337"/>
        <source>Sorry, something went wrong.</source>
        <translation>Przepraszamy, coś poszło nie tak.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="263"/>
        <location filename="../../kiosk/ui/self_checkin.py" line="338"/>
        <source>Please go to the staffed desk.</source>
        <translation>Prosimy podejść do stanowiska obsługi.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="214"/>
        <source>Scan the QR code on your ticket</source>
        <translation>Zeskanuj kod QR ze swojego biletu</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="215"/>
        <source>Hold your ticket or phone under the scanner. Your badge will be printed.</source>
        <translation>Przyłóż bilet lub telefon pod skaner. Twój identyfikator zostanie wydrukowany.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="217"/>
        <source>Can&apos;t find your ticket?</source>
        <translation>Nie możesz znaleźć biletu?</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="219"/>
        <location filename="../../kiosk/ui/self_checkin.py" line="220"/>
        <source>Staff</source>
        <translation>Obsługa</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="223"/>
        <location filename="../../kiosk/ui/self_checkin.py" line="226"/>
        <source>First name</source>
        <translation>Imię</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="227"/>
        <source>Surname</source>
        <translation>Nazwisko</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="231"/>
        <source>Find me</source>
        <translation>Znajdź mnie</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="232"/>
        <source>Back</source>
        <translation>Wstecz</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="262"/>
        <source>This kiosk is not ready.</source>
        <translation>Ten kiosk nie jest gotowy.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="221"/>
        <source>Type your name as you registered it, and your email address or booking reference</source>
        <translation>Wpisz imię i nazwisko tak, jak przy rejestracji, oraz swój adres e-mail lub numer rezerwacji</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="224"/>
        <source>Surname (leave empty if you have only one name)</source>
        <translation>Nazwisko (zostaw puste, jeśli go nie masz)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="225"/>
        <location filename="../../kiosk/ui/self_checkin.py" line="228"/>
        <source>Email address or booking reference</source>
        <translation>Adres e-mail lub numer rezerwacji</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="229"/>
        <source>Please type your name and your email address or booking reference.</source>
        <translation>Wpisz swoje imię (i nazwisko) oraz adres e-mail lub numer rezerwacji.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="233"/>
        <source>Close (staff)</source>
        <translation>Zamknij (obsługa)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="257"/>
        <source>This kiosk needs a supervisor PIN before it can run self check-in; ask staff.</source>
        <translation>Ten kiosk potrzebuje PIN-u przełożonego, zanim uruchomi tryb samoobsługowy; poproś obsługę.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="259"/>
        <source>Staff: open this event as a staffed desk, set a supervisor PIN in Settings, then start self check-in again.</source>
        <translation>Obsługa: otwórz to wydarzenie jako stanowisko obsługi, ustaw PIN przełożonego w Ustawieniach, a potem ponownie uruchom tryb samoobsługowy.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="310"/>
        <source>Please go to the desk.</source>
        <translation>Prosimy podejść do stanowiska obsługi.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="313"/>
        <source>Find me is paused at this kiosk for %1 min.</source>
        <translation>Wyszukiwanie jest wstrzymane na tym kiosku przez %1 min.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="315"/>
        <source>We couldn&apos;t find that.</source>
        <translation>Nie udało się tego znaleźć.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="321"/>
        <source>Welcome, %1!</source>
        <translation>Witaj, %1!</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="322"/>
        <source>You are checked in. Your badge is being printed.</source>
        <translation>Jesteś zarejestrowany(-a). Twój identyfikator jest drukowany.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="325"/>
        <source>You are already checked in</source>
        <translation>Już jesteś zarejestrowany(-a)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="326"/>
        <source>If you need a new badge, please ask at the staffed desk.</source>
        <translation>Jeśli potrzebujesz nowego identyfikatora, zapytaj przy stanowisku obsługi.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="330"/>
        <source>Sorry, we could not check you in</source>
        <translation>Przepraszamy, nie udało się Cię zarejestrować</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="331"/>
        <source>Please go to the staffed desk — they will help you.</source>
        <translation>Prosimy podejść do stanowiska obsługi — tam Ci pomogą.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="356"/>
        <source>Staff only: the supervisor PIN leaves self check-in.</source>
        <translation>Tylko dla obsługi: PIN przełożonego zamyka tryb samoobsługowy.</translation>
    </message>
</context>
</TS>
