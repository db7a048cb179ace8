const FirstNames = [
  'Amara', 'Benedikt', 'Chiara', 'Dmitri', 'Elif', 'Farah', 'Gabriel', 'Hana', 'Ibrahim', 'Jana',
  'Kwame', 'Leila', 'Mateo', 'Nadia', 'Oskar', 'Priya', 'Quentin', 'Rosa', 'Santiago', 'Tamar',
  'Umar', 'Valentina', 'Wei', 'Ximena', 'Yusuf', 'Zoe', 'Aiko', 'Bruno', 'Camille', 'Dara',
  'Emeka', 'Freya', 'Goran', 'Ines', 'Jonas', 'Kenji', 'Lucia', 'Malik', 'Noor', 'Olivia',
] as const;

const LastNames = [
  'Okafor', 'Schneider', 'Rossi', 'Ivanov', 'Yilmaz', 'Haddad', 'Silva', 'Tanaka', 'Mensah', 'Novak',
  'Garcia', 'Nguyen', 'Kowalski', 'Andersen', 'Patel', 'Dubois', 'Moreno', 'Cohen', 'Ahmed', 'Fischer',
  'Kim', 'Larsen', 'Martins', 'Osei', 'Petrov', 'Quispe', 'Ramos', 'Sato', 'Thompson', 'Usman',
  'Vargas', 'Weber', 'Xu', 'Yamamoto', 'Zielinski', 'Bianchi', 'Chen', 'Diallo', 'Eriksson', 'Fontaine',
] as const;

/**
 * A realistic full name for the i-th person (0-based). The first 1,600 are all different: each
 * first name is paired with every last name once before any pair repeats.
 */
export function personName(i: number): string {
  const first = i % FirstNames.length;
  const round = Math.floor(i / FirstNames.length);
  const last = (first * 7 + round) % LastNames.length;
  return `${FirstNames[first]} ${LastNames[last]}`;
}
