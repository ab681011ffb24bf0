<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="pl_PL">
<context>
    <name>SelfCheckInWindow</name>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="165"/>
        <source>Sorry, something went wrong.</source>
        <translation>Przepraszamy, coś poszło nie tak.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="166"/>
        <location filename="../../kiosk/ui/self_checkin.py" line="211"/>
        <source>Please go to the staffed desk.</source>
        <translation>Prosimy podejść do stanowiska obsługi.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="188"/>
        <source>Scan the QR code on your ticket</source>
        <translation>Zeskanuj kod QR ze swojego biletu</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="189"/>
        <source>Hold your ticket or phone under the scanner. Your badge will be printed.</source>
        <translation>Przyłóż bilet lub telefon pod skaner. Twój identyfikator zostanie wydrukowany.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="191"/>
        <source>Can&apos;t find your ticket?</source>
        <translation>Nie możesz znaleźć biletu?</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="193"/>
        <location filename="../../kiosk/ui/self_checkin.py" line="194"/>
        <source>Staff</source>
        <translation>Obsługa</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="195"/>
        <source>Type your name as you registered it</source>
        <translation>Wpisz imię i nazwisko tak, jak przy rejestracji</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="196"/>
        <location filename="../../kiosk/ui/self_checkin.py" line="198"/>
        <source>First name</source>
        <translation>Imię</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="197"/>
        <location filename="../../kiosk/ui/self_checkin.py" line="199"/>
        <source>Surname</source>
        <translation>Nazwisko</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="200"/>
        <source>Find me</source>
        <translation>Znajdź mnie</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="201"/>
        <source>Back</source>
        <translation>Wstecz</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="210"/>
        <source>This kiosk is not ready.</source>
        <translation>Ten kiosk nie jest gotowy.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="240"/>
        <source>We could not find you</source>
        <translation>Nie udało się Cię znaleźć</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="241"/>
        <source>Please check the spelling, or go to the staffed desk — they will help you.</source>
        <translation>Sprawdź pisownię albo podejdź do stanowiska obsługi — tam Ci pomogą.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="249"/>
        <source>Welcome, %1!</source>
        <translation>Witaj, %1!</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="250"/>
        <source>You are checked in. Your badge is being printed.</source>
        <translation>Jesteś zarejestrowany(-a). Twój identyfikator jest drukowany.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="253"/>
        <source>You are already checked in</source>
        <translation>Już jesteś zarejestrowany(-a)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="254"/>
        <source>If you need a new badge, please ask at the staffed desk.</source>
        <translation>Jeśli potrzebujesz nowego identyfikatora, zapytaj przy stanowisku obsługi.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="258"/>
        <source>Sorry, we could not check you in</source>
        <translation>Przepraszamy, nie udało się Cię zarejestrować</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="259"/>
        <source>Please go to the staffed desk — they will help you.</source>
        <translation>Prosimy podejść do stanowiska obsługi — tam Ci pomogą.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/self_checkin.py" line="280"/>
        <source>Staff only: the supervisor PIN leaves self check-in.</source>
        <translation>Tylko dla obsługi: PIN przełożonego zamyka tryb samoobsługowy.</translation>
    </message>
</context>
</TS>
